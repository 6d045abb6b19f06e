package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.Storage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One node served over gRPC: its {@link PaxosServer} (one port for peers and clients), its {@link
 * GrpcTransport} and its {@link PaxosNode}, started together from {@link NodeSettings} and closed
 * together.
 *
 * <p>Thread-safe; {@link #close()} blocks until everything stopped.
 */
public final class NodeServer implements AutoCloseable {
  private final PaxosServer server;
  private final GrpcTransport transport;
  private final PaxosNode node;

  private NodeServer(PaxosServer server, GrpcTransport transport, PaxosNode node) {
    this.server = server;
    this.transport = transport;
    this.node = node;
  }

  /** Start the node described by {@code settings}, applying commands to {@code stateMachine}. */
  public static NodeServer start(NodeSettings settings, StateMachine stateMachine) {
    Storage storage = openStorage(settings);
    PaxosServer.Builder b =
        PaxosServer.builder()
            .config(settings.config())
            .nodeId(settings.nodeId())
            .listen(settings.listenHost(), settings.self().port());
    settings.tls().ifPresent(b::tls);
    PaxosServer server;
    try {
      server = b.start();
    } catch (RuntimeException e) {
      storage.close();
      throw e;
    }
    try {
      GrpcTransport transport =
          GrpcTransport.builder().server(server).peers(settings.members()).build();
      PaxosNode node =
          PaxosNode.builder()
              .config(settings.config())
              .nodeId(settings.nodeId())
              .stateMachine(stateMachine)
              .transport(transport)
              .storage(storage)
              .snapshots(settings.snapshots())
              .commandTimeout(Duration.ofSeconds(10))
              .bootstrap(settings.bootstrapNew() ? Bootstrap.NEW : Bootstrap.EXISTING)
              .build();
      server.serve(node);
      return new NodeServer(server, transport, node);
    } catch (RuntimeException e) {
      server.close();
      storage.close();
      throw e;
    }
  }

  /**
   * The node's {@link FileStorage} in {@code settings.dataDir()}, created if missing only when the
   * node bootstraps a new cluster ({@link NodeSettings#bootstrapNew()}): a member of an existing
   * cluster needs its directory, so that a wiped disk or a mistyped path is not silently taken for
   * a node with no state. A restarted node recovers its promises, accepted values and chosen log
   * from it, then catches up from its peers.
   *
   * @throws IllegalArgumentException if the directory is missing (and not to be created), cannot be
   *     created, or belongs to another cluster or node
   */
  private static Storage openStorage(NodeSettings settings) {
    Path dir = settings.dataDir();
    if (settings.bootstrapNew()) {
      try {
        Files.createDirectories(dir);
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot create data directory " + dir + ": " + e, e);
      }
    } else if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "data directory "
              + dir
              + " does not exist: fix --data-dir, or pass --bootstrap-new on the first start of"
              + " a new cluster's members; to rejoin an existing cluster after losing the disk,"
              + " create it empty (the node then serves as a learner only)");
    }
    return FileStorage.open(dir, settings.clusterId(), settings.nodeId());
  }

  public PaxosNode node() {
    return node;
  }

  public PaxosServer server() {
    return server;
  }

  public GrpcTransport transport() {
    return transport;
  }

  /** Stop the node, then its transport and server. Idempotent. */
  @Override
  public void close() {
    node.close(); // closes the transport
    transport.close();
    server.close();
  }
}
