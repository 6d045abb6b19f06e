package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
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
    PaxosServer.Builder b =
        PaxosServer.builder()
            .config(settings.config())
            .nodeId(settings.nodeId())
            .listen(settings.listenHost(), settings.self().port());
    settings.tls().ifPresent(b::tls);
    PaxosServer server = b.start();
    try {
      GrpcTransport transport =
          GrpcTransport.builder().server(server).peers(settings.members()).build();
      PaxosNode node =
          PaxosNode.builder()
              .config(settings.config())
              .nodeId(settings.nodeId())
              .stateMachine(stateMachine)
              .transport(transport)
              .storage(storage(settings))
              .commandTimeout(Duration.ofSeconds(10))
              .build();
      server.serve(node);
      return new NodeServer(server, transport, node);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /**
   * The node's durable storage. For now {@link InMemoryStorage}: a restarted node comes back empty
   * and catches up from its peers (its acceptor's promises are lost, which a cluster survives only
   * while a majority keeps theirs). When the file storage lands, this becomes {@code new
   * FileStorage(settings.dataDir())}.
   */
  private static Storage storage(NodeSettings settings) {
    return new InMemoryStorage();
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
