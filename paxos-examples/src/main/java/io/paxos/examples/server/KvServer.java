package io.paxos.examples.server;

import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.NodeServer;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One running node of the replicated key-value store: a {@link NodeServer} (gRPC for peers and
 * {@code PaxosClient}s, {@code FileStorage} in the data directory, snapshots) whose learner, if it
 * hosts one, applies commands to a {@link KeyValueStore}.
 *
 * <p>The member's HTTP port is validated and checked free by {@link Preflight}; the HTTP API is
 * served on it once it exists ({@link #start} is where it attaches).
 *
 * <p>Thread-safe; {@link #close()} blocks until the node stopped.
 */
public final class KvServer implements AutoCloseable {
  private final ServerConfig config;
  private final NodeServer node;
  private final AtomicReference<KeyValueStore> store;

  private KvServer(ServerConfig config, NodeServer node, AtomicReference<KeyValueStore> store) {
    this.config = config;
    this.node = node;
    this.store = store;
  }

  /**
   * Start the node: binds the gRPC port, then opens (creating it if missing) the data directory.
   *
   * @throws java.io.UncheckedIOException if the gRPC port cannot be bound
   * @throws RuntimeException if the data directory cannot be used
   */
  public static KvServer start(ServerConfig config) {
    AtomicReference<KeyValueStore> store = new AtomicReference<>();
    NodeServer node =
        NodeServer.start(
            config.nodeSettings(),
            () -> {
              KeyValueStore s = new KeyValueStore();
              store.set(s);
              return s;
            });
    return new KvServer(config, node, store);
  }

  public NodeServer node() {
    return node;
  }

  /** {@code READY node N listening on PORT ...}: the line printed once the node serves. */
  public String readyLine() {
    return "READY node "
        + config.nodeId()
        + " listening on "
        + node.server().port()
        + " (cluster "
        + config.file().clusterId()
        + ", roles "
        + config.self().roles().stream().map(Members::name).collect(Collectors.joining(","))
        + ", data "
        + config.dataDir()
        + (node.node().status().learnerOnly()
            ? "; learner only: its storage was not bootstrapped, so it does not vote"
            : "")
        + ")";
  }

  /**
   * Stop the node and describe its final state: {@code STOPPED node N: applied through slot S,
   * state hash H} (a learner), or {@code STOPPED node N} (no state machine).
   */
  public String closeAndDescribe() {
    node.close();
    KeyValueStore s = store.get();
    String line = "STOPPED node " + config.nodeId();
    if (s != null) {
      // The apply thread has stopped: the store is no longer changing.
      line +=
          ": applied through slot "
              + node.node().status().appliedSlot()
              + ", "
              + s.size()
              + " keys, state hash "
              + s.stateHash();
    }
    return line;
  }

  @Override
  public void close() {
    node.close();
  }
}
