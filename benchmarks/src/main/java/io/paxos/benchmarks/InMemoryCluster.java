package io.paxos.benchmarks;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.runtime.PaxosNodeBuilder;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.examples.kv.KeyValueStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Nodes with all roles and a {@link KeyValueStore} each, in this JVM over the {@link
 * InMemoryNetwork}; commands are submitted straight to the leader's {@link PaxosNode}.
 */
final class InMemoryCluster implements W1Target {
  /**
   * How long a node keeps a command it could not get chosen (e.g. queued at a leader that was
   * deposed) before failing it, so that the caller can submit it again soon.
   */
  static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(2);

  private final List<PaxosNode> nodes;

  private InMemoryCluster(List<PaxosNode> nodes) {
    this.nodes = nodes;
  }

  /**
   * Start nodes 1 to {@code size} of cluster "w1" and wait until one leads.
   *
   * @param storage the storage of node {@code id}
   */
  static InMemoryCluster start(int size, ProtocolOptions options, IntFunction<Storage> storage) {
    return start(size, options, storage, WatchOptions.disabled());
  }

  /**
   * {@link #start(int, ProtocolOptions, IntFunction)}, every node keeping {@code watch} history.
   */
  static InMemoryCluster start(
      int size, ProtocolOptions options, IntFunction<Storage> storage, WatchOptions watch) {
    return start(size, options, storage, b -> b.watchHistory(watch));
  }

  /**
   * {@link #start(int, ProtocolOptions, IntFunction)}, {@code customize} adding to each node's
   * builder (an observer, say) just before the node is built.
   */
  static InMemoryCluster start(
      int size,
      ProtocolOptions options,
      IntFunction<Storage> storage,
      Consumer<PaxosNodeBuilder> customize) {
    int[] ids = new int[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    ClusterConfig config = ClusterConfig.of("w1", ids);
    InMemoryNetwork network = new InMemoryNetwork();
    List<PaxosNode> nodes = new ArrayList<>();
    InMemoryCluster cluster = new InMemoryCluster(nodes);
    try {
      for (int id : ids) {
        PaxosNodeBuilder b =
            PaxosNode.builder()
                .config(config)
                .nodeId(id)
                .stateMachine(new KeyValueStore())
                .transport(network.transport(id))
                .storage(storage.apply(id))
                .options(options)
                .commandTimeout(COMMAND_TIMEOUT)
                .bootstrap(Bootstrap.NEW);
        customize.accept(b);
        nodes.add(b.build());
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (nodes.stream().noneMatch(PaxosNode::isLeader)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("no leader elected within 30 s");
        }
        LockSupport.parkNanos(1_000_000);
      }
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  @Override
  public CompletableFuture<byte[]> submit(int writer, byte[] command) {
    for (PaxosNode n : nodes) {
      if (n.isLeader()) {
        return n.submit(command);
      }
    }
    return nodes.get(0).submit(command); // forwarded once a leader is known
  }

  /** The nodes, in id order. */
  List<PaxosNode> nodes() {
    return nodes;
  }

  @Override
  public void close() {
    nodes.forEach(PaxosNode::close);
  }
}
