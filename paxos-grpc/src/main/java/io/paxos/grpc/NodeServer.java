package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.Role;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.runtime.PaxosNodeBuilder;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.Transport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

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

  /**
   * Start the node described by {@code settings}. The gRPC port is bound first, so a port in use
   * (or unreadable TLS files) fails before the data directory is touched; then the storage is
   * opened (see {@link #openStorage}) and the node built. {@code stateMachines} is called once, and
   * only if this node hosts a learner: the other roles apply nothing.
   *
   * @param settings the node's settings (see {@link NodeSettings})
   * @param stateMachines makes the node's state machine, in its empty state
   * @return the started node, owned by the caller, who closes it
   * @throws java.io.UncheckedIOException if the port cannot be bound
   * @throws IllegalArgumentException if the data directory cannot be created or belongs to another
   *     cluster or node
   */
  public static NodeServer start(
      NodeSettings settings, Supplier<? extends StateMachine> stateMachines) {
    return start(settings, stateMachines, node -> {});
  }

  /**
   * {@link #start(NodeSettings, Supplier)}, letting {@code customize} add to the node's builder
   * what is not a setting (an observer, say) just before the node is built.
   *
   * @param settings the node's settings (see {@link NodeSettings})
   * @param stateMachines makes the node's state machine, in its empty state
   * @param customize adds to the node's builder
   * @return the started node, owned by the caller, who closes it
   */
  public static NodeServer start(
      NodeSettings settings,
      Supplier<? extends StateMachine> stateMachines,
      Consumer<PaxosNodeBuilder> customize) {
    return start(settings, stateMachines, customize, UnaryOperator.identity());
  }

  /**
   * {@link #start(NodeSettings, Supplier, Consumer)}, the node sending and receiving through {@code
   * transports} applied to the gRPC transport: a decorator for tests and examples (one that drops
   * messages, say). It must pass {@link Transport#close()} and {@link Transport#membershipChanged}
   * on.
   *
   * @param settings the node's settings (see {@link NodeSettings})
   * @param stateMachines makes the node's state machine, in its empty state
   * @param customize adds to the node's builder
   * @param transports wraps the gRPC transport
   * @return the started node, owned by the caller, who closes it
   */
  public static NodeServer start(
      NodeSettings settings,
      Supplier<? extends StateMachine> stateMachines,
      Consumer<PaxosNodeBuilder> customize,
      UnaryOperator<Transport> transports) {
    Objects.requireNonNull(stateMachines, "stateMachines");
    Objects.requireNonNull(customize, "customize");
    Objects.requireNonNull(transports, "transports");
    PaxosServer.Builder b =
        PaxosServer.builder()
            .config(settings.config())
            .nodeId(settings.nodeId())
            .listen(settings.listenHost(), settings.self().port())
            .limits(settings.limits())
            .joining(settings.joining());
    settings.tls().ifPresent(b::tls);
    settings.clusterSecret().ifPresent(b::clusterSecret);
    PaxosServer server = b.start();
    Storage storage;
    try {
      storage = openStorage(settings);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    try {
      GrpcTransport transport =
          GrpcTransport.builder().server(server).peers(settings.addresses()).build();
      PaxosNodeBuilder node =
          PaxosNode.builder()
              .config(settings.config())
              .nodeId(settings.nodeId())
              .transport(Objects.requireNonNull(transports.apply(transport), "transport"))
              .storage(storage)
              .options(settings.protocol())
              .snapshots(settings.snapshots())
              .commandTimeout(settings.commandTimeout())
              .bootstrap(settings.bootstrapNew() ? Bootstrap.NEW : Bootstrap.EXISTING);
      // A node started to join, whose id the cluster file does not have, joins hosting every role
      // (customize may call joinAs with fewer); on later starts it resumes in the membership its
      // storage says. It is no member yet: it joins as a learner first (docs/membership.md, R7).
      if (settings.joining() && !settings.config().contains(settings.nodeId())) {
        node.joinAs(EnumSet.allOf(Role.class));
      }
      if (settings
          .config()
          .member(settings.nodeId())
          .map(m -> m.has(Role.LEARNER))
          .orElse(settings.joining())) {
        node.stateMachine(stateMachines.get());
      }
      customize.accept(node);
      PaxosNode built = node.build();
      server.serve(built);
      return new NodeServer(server, transport, built);
    } catch (RuntimeException e) {
      server.close();
      storage.close();
      throw e;
    }
  }

  /**
   * The node's {@link FileStorage} in {@code settings.dataDir()}: the one place where a node's data
   * directory is created and opened. It is created if missing only when the node bootstraps a new
   * cluster ({@link NodeSettings#bootstrapNew()}) or joins a running one ({@link
   * NodeSettings#joining()}, whose first start is on an empty directory): a member of an existing
   * cluster needs its directory, so that a wiped disk or a mistyped path is not silently taken for
   * a node with no state. A restarted node recovers its promises, accepted values and chosen log
   * from it, then catches up from its peers.
   *
   * @throws IllegalArgumentException if the directory is missing (and not to be created), cannot be
   *     created, or belongs to another cluster or node
   */
  private static Storage openStorage(NodeSettings settings) {
    Path dir = settings.dataDir();
    if (settings.bootstrapNew() || settings.joining()) {
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

  /** {@return the running node} */
  public PaxosNode node() {
    return node;
  }

  /** {@return the node's gRPC server, which serves clients and receives peers' streams} */
  public PaxosServer server() {
    return server;
  }

  /** {@return the node's transport to its peers} */
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
