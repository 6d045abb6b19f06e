package io.paxos.benchmarks;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.examples.kv.KeyValueStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Where W1's writes go: a cluster in this JVM (or, later, a remote one through the client). */
interface W1Target extends AutoCloseable {

  /** Submit one encoded KV command; completes when it is applied. Non-blocking. */
  CompletableFuture<byte[]> submit(byte[] command);

  @Override
  void close();

  /**
   * {@code size} nodes with all roles and a {@link KeyValueStore} each, over the in-memory network.
   */
  static W1Target inMemory(int size) {
    int[] ids = new int[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    ClusterConfig config = ClusterConfig.of("w1", ids);
    InMemoryNetwork network = new InMemoryNetwork();
    List<PaxosNode> nodes = new ArrayList<>();
    for (int id : ids) {
      nodes.add(
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(new KeyValueStore())
              .transport(network.transport(id))
              .build());
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (nodes.stream().noneMatch(PaxosNode::isLeader)) {
      if (System.nanoTime() > deadline) {
        nodes.forEach(PaxosNode::close);
        throw new IllegalStateException("no leader elected within 30 s");
      }
      LockSupport.parkNanos(1_000_000);
    }
    return new W1Target() {
      @Override
      public CompletableFuture<byte[]> submit(byte[] command) {
        for (PaxosNode n : nodes) {
          if (n.isLeader()) {
            return n.submit(command);
          }
        }
        return nodes.get(0).submit(command); // forwarded once a leader is known
      }

      @Override
      public void close() {
        nodes.forEach(PaxosNode::close);
      }
    };
  }
}
