package io.paxos.core.sim;

import io.paxos.core.StateMachine;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.protocol.SessionTable;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Everything that fixes one simulation run: the seed, the cluster, the protocol options, the roles,
 * the faults and the workload. Immutable; build one with {@link #builder(long, ClusterConfig)} or
 * {@link #randomized(long, Topology)}, and change it with {@link #toBuilder()}.
 */
public final class SimOptions {
  private final long seed;
  private final String label;
  private final ClusterConfig cluster;
  private final ProtocolOptions protocol;
  private final RoleFactory roles;
  private final Faults faults;
  private final int commands;
  private final long workloadMs;
  private final long clientTimeoutMs;
  private final long livenessBoundMs;
  private final Supplier<StateMachine> stateMachine;
  private final Function<RandomGenerator, byte[]> commandGenerator;
  private final Function<RandomGenerator, byte[]> queryGenerator;
  private final Function<StateMachine, Optional<String>> replicaCheck;
  private final Supplier<ExactlyOnceChecker.Deduplication> deduplication;
  private final Consumer<String> trace;
  private final boolean sendsBeforeSync;
  private final WipedRejoin wipedRejoin;
  private final long snapshotInterval;
  private final int membershipChanges;
  private final List<Member> joiners;
  private final int kvClients;
  private final int kvOperations;
  private final Function<List<KvEvent>, Optional<String>> historyCheck;
  private final boolean servesSessionReadsEarly;
  private final double clockDrift;
  private final int leaseReads;

  private SimOptions(Builder b) {
    this.snapshotInterval = b.snapshotInterval;
    this.membershipChanges = b.membershipChanges;
    this.joiners = List.copyOf(b.joiners);
    if (membershipChanges < 0) {
      throw new IllegalArgumentException("membershipChanges must not be negative (0: none)");
    }
    if (snapshotInterval < 0) {
      throw new IllegalArgumentException("snapshotInterval must not be negative (0 turns it off)");
    }
    this.clockDrift = b.clockDrift;
    this.leaseReads = b.leaseReads;
    if (!(clockDrift >= 0 && clockDrift < 1) || leaseReads < 0) {
      throw new IllegalArgumentException(
          "clockDrift must be in [0, 1) and leaseReads must not be negative");
    }
    this.seed = b.seed;
    this.label = Objects.requireNonNull(b.label, "label");
    this.cluster = Objects.requireNonNull(b.cluster, "cluster");
    this.protocol = Objects.requireNonNull(b.protocol, "protocol");
    this.roles = Objects.requireNonNull(b.roles, "roles");
    this.faults = Objects.requireNonNull(b.faults, "faults");
    this.commands = b.commands;
    this.workloadMs = b.workloadMs;
    this.clientTimeoutMs = b.clientTimeoutMs;
    this.livenessBoundMs = b.livenessBoundMs;
    this.stateMachine = b.stateMachine;
    this.commandGenerator = b.commandGenerator;
    this.queryGenerator = b.queryGenerator;
    this.replicaCheck = b.replicaCheck;
    this.deduplication = Objects.requireNonNull(b.deduplication, "deduplication");
    this.trace = b.trace;
    this.sendsBeforeSync = b.sendsBeforeSync;
    this.wipedRejoin = Objects.requireNonNull(b.wipedRejoin, "wipedRejoin");
    this.kvClients = b.kvClients;
    this.kvOperations = b.kvOperations;
    this.historyCheck = b.historyCheck;
    this.servesSessionReadsEarly = b.servesSessionReadsEarly;
    if (kvClients < 1 || kvOperations < 0) {
      throw new IllegalArgumentException(
          "kvClients must be positive and kvOperations not negative (0 turns them off)");
    }
    if (commands < 1 || workloadMs < 1 || clientTimeoutMs < 1 || livenessBoundMs < 1) {
      throw new IllegalArgumentException(
          "commands, workloadMs, clientTimeoutMs and livenessBoundMs must be positive");
    }
  }

  /** Options with no faults, 200 commands over 2 s, and the protocol's default timings. */
  public static Builder builder(long seed, ClusterConfig cluster) {
    return new Builder(seed, cluster);
  }

  /**
   * Options whose protocol tuning, fault rates and fault episodes are drawn from {@code seed}: some
   * seeds run calm, most run with drops, duplicates, reordering, partitions and crashes.
   */
  public static SimOptions randomized(long seed, Topology topology) {
    return RandomizedOptions.draw(seed, topology);
  }

  public long seed() {
    return seed;
  }

  /** A short name of the configuration, for reports. */
  public String label() {
    return label;
  }

  public ClusterConfig cluster() {
    return cluster;
  }

  public ProtocolOptions protocol() {
    return protocol;
  }

  public RoleFactory roles() {
    return roles;
  }

  public Faults faults() {
    return faults;
  }

  /** How many client requests the workload makes (each completes with one chosen command). */
  public int commands() {
    return commands;
  }

  /** Requests are submitted during {@code [0, workloadMs)}; faults heal at {@code workloadMs}. */
  public long workloadMs() {
    return workloadMs;
  }

  /** A client gives up on a command after this long and submits a replacement. */
  public long clientTimeoutMs() {
    return clientTimeoutMs;
  }

  /** After the faults heal, every request must complete and learners converge within this. */
  public long livenessBoundMs() {
    return livenessBoundMs;
  }

  /**
   * Builds one state machine per learner replica, fed the learner's deliveries as the runtime's
   * applier feeds them; after every slot each replica's state (its snapshot's bytes) is compared
   * with that of a reference fed every command through {@code apply} ({@link ReplicaChecker}).
   */
  public Optional<Supplier<StateMachine>> stateMachine() {
    return Optional.ofNullable(stateMachine);
  }

  /**
   * Makes the payload of each new client request from a generator of its own (seeded from {@link
   * #seed}); without one, requests carry 2-12 random bytes. A session's retry resends its payload.
   */
  public Optional<Function<RandomGenerator, byte[]>> commandGenerator() {
    return Optional.ofNullable(commandGenerator);
  }

  /**
   * Makes one query per slot (from a generator seeded by {@link #seed} and the slot), which every
   * replica of {@link #stateMachine} answers once it applied the slot: the answers must agree and
   * must leave the state as it was. Without one, queries are not checked.
   */
  public Optional<Function<RandomGenerator, byte[]>> queryGenerator() {
    return Optional.ofNullable(queryGenerator);
  }

  /**
   * Checked on every replica of {@link #stateMachine} after every slot it applies: a description of
   * what is wrong with the replica's state, or empty.
   */
  public Optional<Function<StateMachine, Optional<String>>> replicaCheck() {
    return Optional.ofNullable(replicaCheck);
  }

  /** Receives one line per simulated event, for debugging a seed. */
  public Optional<Consumer<String>> trace() {
    return Optional.ofNullable(trace);
  }

  /**
   * Every learner snapshots its state (and compacts its acceptor and log below it) each time it has
   * delivered this many slots since its last snapshot; 0 takes none.
   */
  /**
   * How far the nodes' clocks drift (0, the default: every node is handed the simulation's time).
   * Otherwise each node's protocol is handed its own clock, whose rate stays within {@code [1 -
   * clockDrift, 1 + clockDrift]} of the simulation's and changes as the run goes: mostly the
   * slowest for a node that leads and the fastest for the others (the worst case for leases), now
   * and then a random rate. Clocks never jump.
   */
  public double clockDrift() {
    return clockDrift;
  }

  /**
   * How many {@code Consistency.LEASE} reads the workload makes, at random times and nodes (half of
   * them at a node that believes it leads); every read answered is checked by {@link
   * ReadIndexChecker}.
   */
  public int leaseReads() {
    return leaseReads;
  }

  /**
   * How many times the leader is asked to change the membership during the workload, each time to a
   * random one of the initial members' ids (0: never; see {@link MembershipChanges}).
   */
  public int membershipChanges() {
    return membershipChanges;
  }

  /**
   * Nodes that run from the start outside the cluster's initial membership, joining a running
   * cluster: a membership change may add them (see {@link MembershipChanges}).
   */
  public List<Member> joiners() {
    return joiners;
  }

  public long snapshotInterval() {
    return snapshotInterval;
  }

  /** How learners' replicas deduplicate session commands (the library's session table). */
  public Supplier<ExactlyOnceChecker.Deduplication> deduplication() {
    return deduplication;
  }

  /**
   * Whether nodes send an outbox's messages before its sync instead of after it: a broken host
   * (docs/pitfalls.md #1, reply before persist), which only the simulator's own tests ask for. The
   * break is in the storage thread ({@link EarlyReportingWriter} reports each write done as soon as
   * it is queued), so the runtime's carrier, which the simulator runs, sends the votes early.
   */
  boolean sendsBeforeSync() {
    return sendsBeforeSync;
  }

  /** How many key-value clients run at once ({@link KvWorkload}), if {@link #kvOperations} > 0. */
  public int kvClients() {
    return kvClients;
  }

  /**
   * How many operations the key-value clients make in all (0: no key-value clients): puts, deletes,
   * compare-and-sets and reads at every consistency level, spread over the workload's time.
   */
  public int kvOperations() {
    return kvOperations;
  }

  /**
   * Checks the key-value clients' writes, linearizable and lease reads at the end of a run: a
   * description of the problem if they are not linearizable, or if the check could not decide (a
   * budget ran out), else empty. Without one, only the session and stale reads are checked.
   */
  public Optional<Function<List<KvEvent>, Optional<String>>> historyCheck() {
    return Optional.ofNullable(historyCheck);
  }

  /**
   * Whether nodes answer a SEQUENTIAL read before applying the client's session slot: a broken
   * host, which only the simulator's own tests ask for.
   */
  boolean servesSessionReadsEarly() {
    return servesSessionReadsEarly;
  }

  /** How a wiped node restarts (see {@link WipedRejoin}): the simulator's own tests change it. */
  WipedRejoin wipedRejoin() {
    return wipedRejoin;
  }

  /** Whether wiped nodes vote again, as a broken host lets them. */
  boolean wipedNodesVote() {
    return wipedRejoin != WipedRejoin.LEARNER_ONLY;
  }

  /** How a node restarts on an empty storage after a wipe. */
  enum WipedRejoin {
    /** As the runtime does: a learner only, since its storage lacks the bootstrap marker. */
    LEARNER_ONLY,
    /**
     * A broken host: as a voter, as if bootstrapping a new cluster (it forgot its promises and
     * votes).
     */
    VOTER,
    /**
     * A broken host: as a voter whose promise and round start at the highest promise any other
     * acceptor holds (more than any recovery could learn from a majority of them). It no longer
     * breaks promises it forgot, but it still reports no accepted values in phase 1.
     */
    VOTER_ABOVE_PROMISES
  }

  public Builder toBuilder() {
    Builder b = new Builder(seed, cluster);
    b.label = label;
    b.protocol = protocol;
    b.roles = roles;
    b.faults = faults;
    b.commands = commands;
    b.workloadMs = workloadMs;
    b.clientTimeoutMs = clientTimeoutMs;
    b.livenessBoundMs = livenessBoundMs;
    b.stateMachine = stateMachine;
    b.commandGenerator = commandGenerator;
    b.queryGenerator = queryGenerator;
    b.replicaCheck = replicaCheck;
    b.deduplication = deduplication;
    b.trace = trace;
    b.sendsBeforeSync = sendsBeforeSync;
    b.wipedRejoin = wipedRejoin;
    b.snapshotInterval = snapshotInterval;
    b.membershipChanges = membershipChanges;
    b.joiners = joiners;
    b.kvClients = kvClients;
    b.kvOperations = kvOperations;
    b.historyCheck = historyCheck;
    b.servesSessionReadsEarly = servesSessionReadsEarly;
    b.clockDrift = clockDrift;
    b.leaseReads = leaseReads;
    return b;
  }

  @Override
  public String toString() {
    return "SimOptions[seed="
        + seed
        + ", "
        + label
        + ", "
        + faults
        + ", commands="
        + commands
        + ", workloadMs="
        + workloadMs
        + ", "
        + protocol
        + (sendsBeforeSync ? ", BROKEN HOST: sends before sync" : "")
        + (wipedNodesVote() ? ", BROKEN HOST: wiped nodes rejoin " + wipedRejoin : "")
        + (snapshotInterval > 0 ? ", snapshotInterval=" + snapshotInterval : "")
        + (membershipChanges > 0 ? ", membershipChanges=" + membershipChanges : "")
        + (joiners.isEmpty() ? "" : ", joiners=" + joiners.stream().map(Member::id).toList())
        + (kvOperations > 0 ? ", kv=" + kvOperations + " ops by " + kvClients + " clients" : "")
        + (servesSessionReadsEarly ? ", BROKEN HOST: serves session reads early" : "")
        + (clockDrift > 0 ? ", clockDrift=" + clockDrift : "")
        + (leaseReads > 0 ? ", leaseReads=" + leaseReads : "")
        + (commandGenerator != null ? ", generated commands" : "")
        + (queryGenerator != null ? ", generated queries" : "")
        + "]";
  }

  /** Mutable builder of {@link SimOptions}; not thread-safe. */
  public static final class Builder {
    private final long seed;
    private ClusterConfig cluster;
    private List<Member> joiners = List.of();
    private String label = "custom";
    private ProtocolOptions protocol = ProtocolOptions.defaults();
    private RoleFactory roles = RoleFactory.DEFAULT;
    private Faults faults = Faults.NONE;
    private int commands = 200;
    private long workloadMs = 2000;
    private long clientTimeoutMs = 3000;
    private long livenessBoundMs = 30_000;
    private Supplier<StateMachine> stateMachine;
    private Function<RandomGenerator, byte[]> commandGenerator;
    private Function<RandomGenerator, byte[]> queryGenerator;
    private Function<StateMachine, Optional<String>> replicaCheck;
    private Supplier<ExactlyOnceChecker.Deduplication> deduplication =
        () -> new SessionTable()::apply;
    private Consumer<String> trace;
    private double clockDrift;
    private int leaseReads;
    private boolean sendsBeforeSync;
    private WipedRejoin wipedRejoin = WipedRejoin.LEARNER_ONLY;
    private long snapshotInterval;
    private int membershipChanges;
    private int kvClients = 4;
    private int kvOperations;
    private Function<List<KvEvent>, Optional<String>> historyCheck;
    private boolean servesSessionReadsEarly;

    private Builder(long seed, ClusterConfig cluster) {
      this.seed = seed;
      this.cluster = Objects.requireNonNull(cluster, "cluster");
    }

    public Builder label(String label) {
      this.label = label;
      return this;
    }

    /** Another cluster than the one the builder started with (e.g. with leader priorities). */
    public Builder cluster(ClusterConfig cluster) {
      this.cluster = Objects.requireNonNull(cluster, "cluster");
      return this;
    }

    public Builder protocol(ProtocolOptions protocol) {
      this.protocol = protocol;
      return this;
    }

    /** The roles to run, e.g. a factory that plugs in a mutant acceptor to test the checkers. */
    public Builder roles(RoleFactory roles) {
      this.roles = roles;
      return this;
    }

    public Builder faults(Faults faults) {
      this.faults = faults;
      return this;
    }

    public Builder commands(int commands) {
      this.commands = commands;
      return this;
    }

    public Builder workloadMs(long workloadMs) {
      this.workloadMs = workloadMs;
      return this;
    }

    public Builder clientTimeoutMs(long clientTimeoutMs) {
      this.clientTimeoutMs = clientTimeoutMs;
      return this;
    }

    public Builder livenessBoundMs(long livenessBoundMs) {
      this.livenessBoundMs = livenessBoundMs;
      return this;
    }

    public Builder stateMachine(Supplier<StateMachine> stateMachine) {
      this.stateMachine = stateMachine;
      return this;
    }

    /** The payloads of the clients' requests (see {@link SimOptions#commandGenerator}). */
    public Builder commandGenerator(Function<RandomGenerator, byte[]> generator) {
      this.commandGenerator = generator;
      return this;
    }

    /** The queries the replicas answer (see {@link SimOptions#queryGenerator}). */
    public Builder queryGenerator(Function<RandomGenerator, byte[]> generator) {
      this.queryGenerator = generator;
      return this;
    }

    /** What every replica's state must satisfy (see {@link SimOptions#replicaCheck}). */
    public Builder replicaCheck(Function<StateMachine, Optional<String>> check) {
      this.replicaCheck = check;
      return this;
    }

    /** The deduplication to check, e.g. a broken one to see the exactly-once check fail. */
    public Builder deduplication(Supplier<ExactlyOnceChecker.Deduplication> deduplication) {
      this.deduplication = deduplication;
      return this;
    }

    /** Clocks drift by up to this rate (see {@link SimOptions#clockDrift}). */
    public Builder clockDrift(double drift) {
      this.clockDrift = drift;
      return this;
    }

    /** Make this many lease reads (see {@link SimOptions#leaseReads}). */
    public Builder leaseReads(int reads) {
      this.leaseReads = reads;
      return this;
    }

    /** Ask the leader to change the membership this many times (0: never). */
    public Builder membershipChanges(int changes) {
      this.membershipChanges = changes;
      return this;
    }

    /**
     * The {@code k} highest-id members of the cluster start outside it, as nodes joining it; the
     * others form the initial membership, with majority quorums.
     */
    public Builder joiners(int k) {
      List<Member> all = cluster.members(); // ascending ids
      if (k < 0 || k > all.size() - 1) {
        throw new IllegalArgumentException("joiners " + k + " of " + all.size() + " members");
      }
      this.joiners = List.copyOf(all.subList(all.size() - k, all.size()));
      this.cluster =
          ClusterConfig.withMajorities(cluster.clusterId(), all.subList(0, all.size() - k));
      return this;
    }

    /** Snapshot every this many delivered slots (0: never). */
    public Builder snapshotInterval(long slots) {
      this.snapshotInterval = slots;
      return this;
    }

    public Builder trace(Consumer<String> trace) {
      this.trace = trace;
      return this;
    }

    /** Break the host contract: send before syncing (see {@link SimOptions#sendsBeforeSync}). */
    Builder sendsBeforeSync(boolean on) {
      this.sendsBeforeSync = on;
      return this;
    }

    /** Run {@code operations} key-value operations by {@code clients} clients (0: none). */
    public Builder kv(int clients, int operations) {
      this.kvClients = clients;
      this.kvOperations = operations;
      return this;
    }

    /** The linearizability check of the key-value history (see {@link SimOptions#historyCheck}). */
    public Builder historyCheck(Function<List<KvEvent>, Optional<String>> check) {
      this.historyCheck = check;
      return this;
    }

    /** Break the host: answer session reads before their slot is applied. */
    Builder servesSessionReadsEarly(boolean on) {
      this.servesSessionReadsEarly = on;
      return this;
    }

    /** How wiped nodes rejoin (see {@link SimOptions#wipedRejoin}). */
    Builder wipedRejoin(WipedRejoin rejoin) {
      this.wipedRejoin = rejoin;
      return this;
    }

    public SimOptions build() {
      return new SimOptions(this);
    }
  }
}
