package io.paxos.grpc;

import io.paxos.core.StateMachine;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.runtime.PaxosNodeBuilder;
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
      PaxosNodeBuilder n =
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

  /**
   * {@return a builder for a local cluster} {@link Builder#config} and {@link
   * Builder#stateMachines} are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the cluster's configuration, with every member's address} */
  public ClusterConfig config() {
    return config;
  }

  /** {@return every started member's address, in the order of the configuration} */
  public List<Endpoint> endpoints() {
    List<Endpoint> started = new ArrayList<>();
    for (int id : servers.keySet()) {
      started.add(addresses.get(id));
    }
    return started;
  }

  /**
   * {@return the server of member {@code id} (also after {@link #stop}, closed then)}
   *
   * @param id a started member's id
   * @throws NullPointerException if {@code id} is not a started member
   */
  public PaxosServer server(int id) {
    return Objects.requireNonNull(servers.get(id), () -> "no member " + id);
  }

  /**
   * {@return the running node of member {@code id}; empty after {@link #stop}}
   *
   * @param id a member's id
   */
  public Optional<PaxosNode> node(int id) {
    return Optional.ofNullable(nodes.get(id));
  }

  /** {@return the nodes still running, in the order of the configuration; a copy} */
  public List<PaxosNode> nodes() {
    synchronized (nodes) {
      return new ArrayList<>(nodes.values());
    }
  }

  /**
   * Wait until a running node leads.
   *
   * @param timeout how long to wait
   * @return the first running node found leading; it may lose leadership right after
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

  /**
   * Stop member {@code id}: its node (which closes its transport), then its server. Does nothing if
   * it is not running.
   *
   * @param id a member's id
   */
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
    private Consumer<PaxosNodeBuilder> nodeSettings = b -> {};
    private Set<Integer> absent = Set.of();
    private io.paxos.core.config.WatchOptions watchHistory =
        io.paxos.core.config.WatchOptions.disabled();

    private Builder() {}

    /**
     * Sets the members to start; required.
     *
     * @param config the cluster's membership; every member is started unless {@link #absent}
     * @return this builder
     */
    public Builder config(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the observers of each member (none but the logging one by default).
     *
     * @param observers gives member {@code id}'s observers
     * @return this builder
     */
    public Builder observers(IntFunction<java.util.List<NodeObserver>> observers) {
      this.observers = Objects.requireNonNull(observers, "observers");
      return this;
    }

    /**
     * Sets a new state machine for member {@code id} (null for a member without a learner);
     * required.
     *
     * @param stateMachines makes member {@code id}'s state machine, in its empty state, at each
     *     call
     * @return this builder
     */
    public Builder stateMachines(IntFunction<StateMachine> stateMachines) {
      this.stateMachines = Objects.requireNonNull(stateMachines, "stateMachines");
      return this;
    }

    /**
     * Sets each member's storage; {@link InMemoryStorage} by default.
     *
     * @param storage gives member {@code id}'s storage, which its node then owns
     * @return this builder
     */
    public Builder storage(IntFunction<Storage> storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Sets every node's protocol options; {@link ProtocolOptions#defaults()} by default.
     *
     * @param options the options; not null
     * @return this builder
     */
    public Builder options(ProtocolOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets every node's command timeout; 10 seconds by default.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Sets every node's watch history ({@code PaxosNodeBuilder.watchHistory}); none by default.
     *
     * @param options the history bounds; not null
     * @return this builder
     */
    public Builder watchHistory(io.paxos.core.config.WatchOptions options) {
      this.watchHistory = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets each member's TLS settings; plaintext by default.
     *
     * @param tls gives member {@code id}'s TLS settings, or empty for plaintext
     * @return this builder
     */
    public Builder tls(IntFunction<Optional<TlsConfig>> tls) {
      this.tls = Objects.requireNonNull(tls, "tls");
      return this;
    }

    /**
     * Adjusts every member's server settings (after the address and TLS are set).
     *
     * @param settings changes a member's server builder
     * @return this builder
     */
    public Builder serverSettings(Consumer<PaxosServer.Builder> settings) {
      this.serverSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Adjusts every member's node settings (after the cluster's own are set).
     *
     * @param settings changes a member's node builder
     * @return this builder
     */
    public Builder nodeSettings(Consumer<PaxosNodeBuilder> settings) {
      this.nodeSettings = Objects.requireNonNull(settings, "settings");
      return this;
    }

    /**
     * Members of the configuration not to start here (their peers find nobody at their address): a
     * test can play them, or leave them out.
     *
     * @param ids ids of members of the configuration
     * @return this builder
     */
    public Builder absent(int... ids) {
      Set<Integer> set = new TreeSet<>();
      for (int id : ids) {
        set.add(id);
      }
      this.absent = Set.copyOf(set);
      return this;
    }

    /**
     * Start every member; on a failure, stops whatever already started and rethrows.
     *
     * @return the running cluster, which the caller closes
     * @throws IllegalStateException if {@link #config} or {@link #stateMachines} was not given
     */
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
