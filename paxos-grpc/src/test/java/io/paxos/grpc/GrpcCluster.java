package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.runtime.PaxosNode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * A {@link LocalCluster} of {@link LogStateMachine}s with fast timings, for integration tests: the
 * tests read what each member applied from {@link #machines}.
 */
final class GrpcCluster implements AutoCloseable {
  static final ProtocolOptions FAST = ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  final Map<Integer, LogStateMachine> machines = new ConcurrentHashMap<>();
  private final LocalCluster cluster;

  GrpcCluster(ClusterConfig config) {
    this(config, id -> Optional.empty(), b -> {});
  }

  /**
   * Start every member but the {@code absent} ones; {@code tls} gives each node's TLS settings, if
   * any, and {@code settings} adjusts every server's settings.
   */
  GrpcCluster(
      ClusterConfig config,
      IntFunction<Optional<TlsConfig>> tls,
      Consumer<PaxosServer.Builder> settings,
      int... absent) {
    this(config, FAST, tls, settings, absent);
  }

  /** As above, with these protocol options (which must fit the servers' message limit). */
  GrpcCluster(
      ClusterConfig config,
      ProtocolOptions options,
      IntFunction<Optional<TlsConfig>> tls,
      Consumer<PaxosServer.Builder> settings,
      int... absent) {
    cluster =
        LocalCluster.builder()
            .config(config)
            .stateMachines(
                id -> {
                  LogStateMachine sm = new LogStateMachine();
                  machines.put(id, sm);
                  return sm;
                })
            .options(options)
            .commandTimeout(Duration.ofSeconds(5))
            .tls(tls)
            .serverSettings(settings)
            .absent(absent)
            .start();
  }

  List<Endpoint> endpoints() {
    return cluster.endpoints();
  }

  PaxosServer server(int id) {
    return cluster.server(id);
  }

  /** The nodes still running. */
  List<PaxosNode> nodes() {
    return cluster.nodes();
  }

  PaxosNode awaitLeader() {
    return cluster.awaitLeader(Duration.ofSeconds(30));
  }

  /** Stop node {@code id}: its node, transport and server. */
  void stop(int id) {
    cluster.stop(id);
  }

  @Override
  public void close() {
    cluster.close();
  }
}
