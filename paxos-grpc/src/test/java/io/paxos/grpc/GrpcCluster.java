package io.paxos.grpc;

import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.runtime.PaxosNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/** Real nodes in this JVM over gRPC on 127.0.0.1 with ephemeral ports, for integration tests. */
final class GrpcCluster implements AutoCloseable {
  static final ProtocolOptions FAST = ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  final ClusterConfig config;
  final Map<Integer, PaxosServer> servers = new LinkedHashMap<>();
  final Map<Integer, GrpcTransport> transports = new LinkedHashMap<>();
  final Map<Integer, PaxosNode> nodes = new LinkedHashMap<>();
  final Map<Integer, LogStateMachine> machines = new LinkedHashMap<>();
  final Map<Integer, Endpoint> addresses = new LinkedHashMap<>();

  GrpcCluster(ClusterConfig config) {
    this(config, id -> Optional.empty(), b -> {});
  }

  /**
   * Start every member; {@code tls} gives each node's TLS settings, if any, and {@code settings}
   * adjusts every server's settings.
   */
  GrpcCluster(
      ClusterConfig config,
      IntFunction<Optional<TlsConfig>> tls,
      Consumer<PaxosServer.Builder> settings) {
    this.config = config;
    for (int id : config.ids()) {
      PaxosServer.Builder b =
          PaxosServer.builder().config(config).nodeId(id).listen("127.0.0.1", 0);
      tls.apply(id).ifPresent(b::tls);
      settings.accept(b);
      PaxosServer server = b.start();
      servers.put(id, server);
      addresses.put(id, new Endpoint("127.0.0.1", server.port()));
    }
    for (int id : config.ids()) {
      GrpcTransport transport =
          GrpcTransport.builder().server(servers.get(id)).peers(addresses).seed(id).build();
      LogStateMachine sm = new LogStateMachine();
      PaxosNode node =
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(sm)
              .transport(transport)
              .options(FAST)
              .commandTimeout(Duration.ofSeconds(5))
              .build();
      servers.get(id).serve(node);
      transports.put(id, transport);
      machines.put(id, sm);
      nodes.put(id, node);
    }
  }

  List<Endpoint> endpoints() {
    return new ArrayList<>(addresses.values());
  }

  PaxosNode awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null),
            n -> n != null);
  }

  /** Stop node {@code id}: its node, transport and server. */
  void stop(int id) {
    PaxosNode node = nodes.remove(id);
    if (node != null) {
      node.close(); // closes the transport
      servers.remove(id).close();
      transports.remove(id);
    }
  }

  @Override
  public void close() {
    for (int id : new ArrayList<>(nodes.keySet())) {
      stop(id);
    }
  }
}
