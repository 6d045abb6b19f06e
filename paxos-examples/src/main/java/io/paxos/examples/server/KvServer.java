package io.paxos.examples.server;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paxos.core.config.Role;
import io.paxos.core.config.WatchOptions;
import io.paxos.examples.console.ConsoleRoutes;
import io.paxos.examples.http.HttpOptions;
import io.paxos.examples.http.KvHttpApi;
import io.paxos.examples.http.WatchRoutes;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.line.LineServers;
import io.paxos.examples.line.LineService;
import io.paxos.examples.metrics.MetricsRoutes;
import io.paxos.examples.metrics.MicrometerObserver;
import io.paxos.examples.oplog.OpLog;
import io.paxos.examples.rowa.Rowa;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.NodeServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One running node of the replicated key-value store: a {@link NodeServer} (gRPC for peers and
 * {@code PaxosClient}s, {@code FileStorage} in the data directory, snapshots) whose learner, if it
 * hosts one, applies commands to a {@link KeyValueStore}.
 *
 * <p>If the cluster file gives the member an HTTP port, the node also serves the {@link KvHttpApi}
 * there, on the same listen address as gRPC; its answers name the other members by the HTTP
 * addresses the file gives them, and {@code GET /metrics} serves the node's metrics ({@link
 * MicrometerObserver}) and the JVM's in the Prometheus text format, and {@code POST /subscribe}
 * streams key changes ({@link WatchRoutes}). The node keeps a watch history ({@link
 * WatchOptions#defaults()}) for those and for {@code PaxosClient.watch}.
 *
 * <p>With a {@code line-port} the node also serves the line protocol ({@link LineServers}: {@code
 * PUT}, {@code GET}, {@code DEL} lines over UDP and TCP) on the listen address. With an {@code
 * oplog} file a learner appends each slot it applies to it ({@link OpLog}). With {@code
 * rowa-stores} a learner commits each chosen write to those stores with two-phase commit ({@link
 * Rowa}), and serves {@code GET /rowa/status} and {@code GET /rowa/outcome}.
 *
 * <p>Thread-safe; {@link #close()} blocks until the node stopped.
 */
public final class KvServer implements AutoCloseable {
  private final ServerConfig config;
  private final NodeServer node;
  private final AtomicReference<KeyValueStore> store;
  private final Optional<KvHttpApi> http;
  private final Optional<LineServers> line;
  private final Optional<OpLog> opLog;
  private final Optional<Rowa> rowa;

  private KvServer(
      ServerConfig config,
      NodeServer node,
      AtomicReference<KeyValueStore> store,
      Optional<KvHttpApi> http,
      Optional<LineServers> line,
      Optional<OpLog> opLog,
      Optional<Rowa> rowa) {
    this.config = config;
    this.node = node;
    this.store = store;
    this.http = http;
    this.line = line;
    this.opLog = opLog;
    this.rowa = rowa;
  }

  /**
   * Start the node: binds the gRPC port, opens the data directory (creating it only when
   * bootstrapping a new cluster), builds the node, then serves HTTP if the member has a port.
   *
   * @throws java.io.UncheckedIOException if the gRPC port cannot be bound
   * @throws IllegalStateException if the HTTP port cannot be bound, or the oplog file cannot be
   *     written or is not an oplog
   * @throws RuntimeException if the data directory cannot be used
   */
  public static KvServer start(ServerConfig config) {
    AtomicReference<KeyValueStore> store = new AtomicReference<>();
    PrometheusMeterRegistry registry = MetricsRoutes.newRegistry();
    MicrometerObserver metrics = new MicrometerObserver(registry, config.nodeId());
    NodeServer node =
        NodeServer.start(
            config.nodeSettings(),
            () -> {
              KeyValueStore s = new KeyValueStore();
              store.set(s);
              return s;
            },
            b ->
                b.observer(metrics)
                    .watchHistory(WatchOptions.defaults())
                    .writeStageSampling(config.stageSample()));
    metrics.clientSessions(node.server()::openClientSessions);
    Optional<OpLog> opLog;
    try {
      opLog = opLog(config, node);
    } catch (RuntimeException e) {
      node.close();
      throw e;
    }
    Optional<Rowa> rowa =
        config.rowaStores().isEmpty() || !config.self().roles().contains(Role.LEARNER)
            ? Optional.empty()
            : Optional.of(
                Rowa.start(node.node(), config.nodeId(), config.rowaStores(), System.getenv()));
    Optional<LineServers> line;
    try {
      line =
          config.linePort().isPresent()
              ? Optional.of(lineServers(config, node, config.linePort().getAsInt()))
              : Optional.empty();
    } catch (RuntimeException e) {
      rowa.ifPresent(Rowa::close);
      opLog.ifPresent(OpLog::close);
      node.close();
      throw e;
    }
    Optional<Endpoint> listen = config.httpListen();
    if (listen.isEmpty()) {
      return new KvServer(config, node, store, Optional.empty(), line, opLog, rowa);
    }
    KvHttpApi api =
        new KvHttpApi(
            node.node(),
            HttpOptions.defaults()
                .withHttpAddresses(httpAddresses(config))
                .withRoutes(
                    new MetricsRoutes(registry)::register,
                    new WatchRoutes(node.node())::register,
                    new ConsoleRoutes(config.nodeId(), httpAddresses(config))::register)
                .withRoutes(rowa.map(Rowa::routes).orElse(app -> {})));
    try {
      api.start(listen.get().host(), listen.get().port());
    } catch (RuntimeException e) {
      api.close();
      line.ifPresent(LineServers::close);
      rowa.ifPresent(Rowa::close);
      opLog.ifPresent(OpLog::close);
      node.close();
      throw e;
    }
    return new KvServer(config, node, store, Optional.of(api), line, opLog, rowa);
  }

  /**
   * The oplog, if one is set and the member hosts a learner (a node that applies nothing has
   * nothing to write).
   */
  private static Optional<OpLog> opLog(ServerConfig config, NodeServer node) {
    if (config.oplog().isEmpty() || !config.self().roles().contains(Role.LEARNER)) {
      return Optional.empty();
    }
    Path file = config.oplog().get();
    try {
      return Optional.of(OpLog.start(node.node(), file));
    } catch (IOException e) {
      // not an UncheckedIOException: that is what a port in use throws here
      throw new IllegalStateException("cannot write the oplog " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The line protocol on UDP and TCP {@code port} of the listen address; a request may take the
   * node's command timeout and a second more before it is answered ERR.
   */
  private static LineServers lineServers(ServerConfig config, NodeServer node, int port) {
    LineService service =
        new LineService(node.node(), config.commandTimeout().plus(Duration.ofSeconds(1)));
    return LineServers.start(config.listenHost(), port, service);
  }

  /** Every member's HTTP address ({@code host:port}) that the cluster file gives, by id. */
  private static Map<Integer, String> httpAddresses(ServerConfig config) {
    Map<Integer, String> addresses = new TreeMap<>();
    for (ClusterFile.Node n : config.file().nodes()) {
      n.httpAddress().ifPresent(a -> addresses.put(n.id(), a.toString()));
    }
    return addresses;
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
        + http.map(api -> " http " + api.port()).orElse("")
        + line.map(l -> " line " + l.port()).orElse("")
        + (rowa.isPresent() ? " rowa " + config.rowaStores().size() + " stores" : "")
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
    close();
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

  /** Stop serving the line protocol and HTTP, then the node. Idempotent. */
  @Override
  public void close() {
    line.ifPresent(LineServers::close);
    http.ifPresent(KvHttpApi::close);
    rowa.ifPresent(Rowa::close);
    opLog.ifPresent(OpLog::close); // before the node: it writes what was applied, then stops
    node.close();
  }
}
