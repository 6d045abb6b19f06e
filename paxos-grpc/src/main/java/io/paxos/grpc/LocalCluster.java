package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Every member of a cluster in this JVM, each with its own {@link PaxosServer} on an ephemeral port
 * of 127.0.0.1, {@link GrpcTransport} and {@link PaxosNode}: real gRPC on loopback, for tests,
 * benchmarks and trying the library out. Clients reach it with {@code
 * PaxosClient.builder().endpoints(cluster.endpoints())}.
 *
 * <pre>{@code
 * try (LocalCluster cluster = LocalCluster.builder()
 *     .config(ClusterConfig.of("kv", 1, 2, 3))
 *     .stateMachines(id -> new KeyValueStore())
 *     .start()) {
 *   cluster.awaitLeader(Duration.ofSeconds(30));
 *   ...
 * }
 * }</pre>
 *
 * <p>Thread-safe for reading; {@link #stop} and {@link #close} block until the node stopped.
 */
public final class LocalCluster implements AutoCloseable {
  /** The address of an absent member: a privileged port where nothing listens. */
  private static final Endpoint NOWHERE = new Endpoint("127.0.0.1", 1);

  private final ClusterConfig config;
  private final Map<Integer, PaxosServer> servers = new LinkedHashMap<>();
  private final Map<Integer, PaxosNode> nodes = Collections.synchronizedMap(new LinkedHashMap<>());
  private final Map<Integer, Endpoint> addresses = new LinkedHashMap<>();

  private LocalCluster(Builder b) {
    this.config = b.config;
    try {
      startAll(b);
    } catch (RuntimeException | Error e) {
      close();
      servers.values().forEach(PaxosServer::close);
      throw e;
    }
  }

  private void startAll(Builder b) {
    for (int id : b.absent) {
      addresses.put(id, NOWHERE);
    }
    for (int id : config.ids()) {
      if (b.absent.contains(id)) {
        continue;
      }
      PaxosServer.Builder s =
          PaxosServer.builder().config(config).nodeId(id).listen("127.0.0.1", 0);
      b.tls.apply(id).ifPresent(s::tls);
      b.serverSettings.accept(s);
      PaxosServer server = s.start();
      servers.put(id, server);
      addresses.put(id, new Endpoint("127.0.0.1", server.port()));
    }
    for (int id : config.ids()) {
      if (b.absent.contains(id)) {
        continue;
      }
      GrpcTransport transport =
          GrpcTransport.builder().server(servers.get(id)).peers(addresses).seed(id).build();
      PaxosNode.Builder n =
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .transport(transport)
              .storage(b.storage.apply(id))
              .options(b.options)
              .commandTimeout(b.commandTimeout)
              .watchHistory(b.watchHistory)
              .bootstrap(Bootstrap.NEW);
      StateMachine sm = b.stateMachines.apply(id);
      if (sm != null) {
        n.stateMachine(sm);
      }
      b.observers.apply(id).forEach(n::observer);
      b.nodeSettings.accept(n);
      PaxosNode node = n.build();
      servers.get(id).serve(node);
      nodes.put(id, node);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  public ClusterConfig config() {
    return config;
  }

  /** Every started member's address, in the order of the configuration. */
  public List<Endpoint> endpoints() {
    List<Endpoint> started = new ArrayList<>();
    for (int id : servers.keySet()) {
      started.add(addresses.get(id));
    }
    return started;
  }

  /** The server of member {@code id} (also after {@link #stop}, closed then). */
  public PaxosServer server(int id) {
    return Objects.requireNonNull(servers.get(id), () -> "no member " + id);
  }

  /** The running node of member {@code id}; empty after {@link #stop}. */
  public Optional<PaxosNode> node(int id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** The nodes still running, by id, in the order of the configuration. */
  public List<PaxosNode> nodes() {
    synchronized (nodes) {
      return new ArrayList<>(nodes.values());
    }
  }

  /**
   * Wait until a running node leads.
   *
   * @throws IllegalStateException if none does within {@code timeout}
   */
  public PaxosNode awaitLeader(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (PaxosNode n : nodes()) {
        if (n.isLeader()) {
          return n;
        }
      }
      if (System.nanoTime() - deadline > 0) {
        throw new IllegalStateException("no leader elected within " + timeout);
      }
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** Stop member {@code id}: its node (which closes its transport), then its server. */
  public void stop(int id) {
    PaxosNode node = nodes.remove(id);
    if (node != null && servers.containsKey(id)) {
      node.close();
      servers.get(id).close();
    }
  }

  /** Stop every member still running. Idempotent. */
  @Override
  public void close() {
    for (int id : config.ids()) {
      stop(id);
    }
  }

  /** Settings of a {@link LocalCluster}; {@link #start()} starts every member. */
  public static final class Builder {
    private ClusterConfig config;
    private IntFunction<java.util.List<NodeObserver>> observers = id -> java.util.List.of();
    private IntFunction<StateMachine> stateMachines;
    private IntFunction<Storage> storage = id -> new InMemoryStorage();
    private ProtocolOptions options = ProtocolOptions.defaults();
    private Duration commandTimeout = Duration.ofSeconds(10);
    private IntFunction<Optional<TlsConfig>> tls = id -> Optional.empty();
    private Consumer<PaxosServer.Builder> serverSettings = b -> {};
    private Consumer<PaxosNode.Builder> nodeSettings = b -> {};
    private Set<Integer> absent = Set.of();
    private io.paxos.core.config.WatchOptions watchHistory =
        io.paxos.core.config.WatchOptions.disabled();

    private Builder() {}

    /** The members to start; required. */
    public Builder config(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /** Observers for member {@code id} (none but the logging one by default). */
    public Builder observers(IntFunction<java.util.List<NodeObserver>> observers) {
      this.observers = Objects.requireNonNull(observers, "observers");
      return this;
    }

    /**
     * A new state machine for member {@code id} (null for a member without a learner); required.
     */
    public Builder stateMachines(IntFunction<StateMachine> stateMachines) {
      this.stateMachines = Objects.requireNonNull(stateMachines, "stateMachines");
      return this;
    }

    /** Member {@code id}'s storage; {@link InMemoryStorage} by default. */
    public Builder storage(IntFunction<Storage> storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    public Builder options(ProtocolOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Every node's command timeout; 10 seconds by default. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** Every node's watch history ({@code PaxosNode.Builder.watchHistory}); none by default. */
    public Builder watchHistory(io.paxos.core.config.WatchOptions options) {
      this.watchHistory = Objects.requireNonNull(options, "options");
      return this;
    }

    /** Member {@code id}'s TLS settings, if any; plaintext by default. */
    public Builder tls(IntFunction<Optional<TlsConfig>> tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /** Adjusts every member's server settings (after the address and TLS are set). */
    public Builder serverSettings(Consumer<PaxosServer.Builder> settings) {
      this.serverSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /** Adjusts every member's node settings (after the cluster's own are set). */
    public Builder nodeSettings(Consumer<PaxosNode.Builder> settings) {
      this.nodeSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Members of the configuration not to start here (their peers find nobody at their address): a
     * test can play them, or leave them out.
     */
    public Builder absent(int... ids) {
      Set<Integer> set = new TreeSet<>();
      for (int id : ids) {
        set.add(id);
      }
      this.absent = Set.copyOf(set);
      return this;
    }

    /** Start every member; on a failure, stops whatever already started and rethrows. */
    public LocalCluster start() {
      if (config == null) {
        throw new IllegalStateException("config(...) is required: the cluster's membership");
      }
      if (stateMachines == null) {
        throw new IllegalStateException("stateMachines(...) is required: what each node applies");
      }
      return new LocalCluster(this);
    }
  }
}
