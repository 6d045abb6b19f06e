package io.paxos.core.runtime;

import io.paxos.core.StateMachine;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.observe.LoggingObserver;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Builds and starts a {@link PaxosNode}; get one from {@link PaxosNode#builder()}. Not thread-safe:
 * configure and build it on one thread.
 */
public final class PaxosNodeBuilder {
  ClusterConfig config;
  final List<NodeObserver> observers = new ArrayList<>();
  int nodeId;
  StateMachine stateMachine;
  Transport transport;
  Storage storage;
  ProtocolOptions options = ProtocolOptions.defaults();
  RoleFactory roles = RoleFactory.DEFAULT;
  Duration commandTimeout = Duration.ofSeconds(30);
  int maxPendingCommands = 200_000;
  long maxPendingBytes = PaxosNode.DEFAULT_MAX_PENDING_BYTES;
  int maxInboxMessages = 1_000_000;
  SnapshotOptions snapshotOptions = SnapshotOptions.defaults();
  WatchOptions watchOptions = WatchOptions.disabled();
  Bootstrap bootstrap;
  java.util.Set<Role> joinRoles; // null: not joining
  Member self; // set by build()
  MessageLimits messageLimits = MessageLimits.DEFAULTS;
  ApplyFailurePolicy applyFailurePolicy = ApplyFailurePolicy.STOP_NODE;
  int writeStageSampling;

  PaxosNodeBuilder() {}

  /**
   * Sets how many writes in one this node times stage by stage through its write path and reports
   * to its observers ({@link NodeObserver#writeStep}): every {@code every}-th slot (by slot number,
   * so every node samples the same slots) and, for the leader's queue, every {@code every}-th
   * command (by sequence number). 0, the default, samples nothing and costs one branch per hook.
   * Each step is timed with this JVM's clock only; see {@link io.paxos.core.observe.WriteStep} for
   * the stages.
   *
   * @param every 0 (off), or sample one write in {@code every}, at least 1
   * @return this builder
   * @throws IllegalArgumentException if {@code every} is negative
   */
  public PaxosNodeBuilder writeStageSampling(int every) {
    if (every < 0) {
      throw new IllegalArgumentException(
          "writeStageSampling must be 0 (off) or at least 1 (one write in N), was " + every);
    }
    this.writeStageSampling = every;
    return this;
  }

  /**
   * Sets what the node does when its state machine throws applying a command ({@link
   * ApplyFailurePolicy#STOP_NODE} unless set): stop, or fail the command and go on. Every node of
   * the cluster must be given the same policy; see {@link StateMachine} for what {@link
   * ApplyFailurePolicy#FAIL_COMMAND} asks of the state machine.
   *
   * @param policy the policy; not null
   * @return this builder
   */
  public PaxosNodeBuilder applyFailures(ApplyFailurePolicy policy) {
    this.applyFailurePolicy = Objects.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * Sets whether this node is one of the first members of a new cluster ({@link Bootstrap#NEW}: an
   * empty storage is marked and votes) or a member of a cluster that may have chosen values already
   * ({@link Bootstrap#EXISTING}: a storage without the mark serves as a learner only). A marked
   * storage votes either way. Give NEW only on the first start of a new cluster's members: a member
   * restarted with NEW on a lost disk votes with a forgotten state.
   *
   * <p>The default is EXISTING for a node given a {@link #storage}, and NEW for a node given none
   * (its default in-memory storage is new with every build and forgets everything at a restart:
   * fine for tests, unsafe in production).
   *
   * @param bootstrap {@link Bootstrap#NEW} or {@link Bootstrap#EXISTING}; not null
   * @return this builder
   */
  public PaxosNodeBuilder bootstrap(Bootstrap bootstrap) {
    this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
    return this;
  }

  /**
   * Starts this node, whose id is not in {@link #config} (the cluster file the cluster was created
   * with), hosting {@code roles}: on its first start, on an empty storage, it joins the running
   * cluster ({@link Bootstrap#JOIN}): it runs outside the membership, catching up from the members,
   * until a membership change ({@link PaxosNode#changeMembership}) adds it with these roles, and
   * serves no commands or reads until then. On later starts it resumes, in the membership its
   * storage says. See {@code docs/membership.md}.
   *
   * @param roles the roles this node hosts once added, the ones the change gives it; not empty
   * @return this builder
   */
  public PaxosNodeBuilder joinAs(java.util.Set<Role> roles) {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("a joining node hosts at least one role");
    }
    this.joinRoles = java.util.Set.copyOf(roles);
    this.bootstrap = Bootstrap.JOIN;
    return this;
  }

  /**
   * Sets the cluster's membership (required); every member must be given the same.
   *
   * @param config the configuration; not null
   * @return this builder
   */
  public PaxosNodeBuilder config(ClusterConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    return this;
  }

  /**
   * Sets which member this node is (required).
   *
   * @param nodeId an id of {@link #config}'s members
   * @return this builder
   */
  public PaxosNodeBuilder nodeId(int nodeId) {
    this.nodeId = nodeId;
    return this;
  }

  /**
   * Sets the state machine: required on nodes that host a learner; unused on the others (they apply
   * nothing).
   *
   * @param stateMachine the application's state machine, in its empty state; the node calls it on
   *     its apply thread only
   * @return this builder
   */
  public PaxosNodeBuilder stateMachine(StateMachine stateMachine) {
    this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
    return this;
  }

  /**
   * Sets how this node reaches its peers (required).
   *
   * @param transport the transport, owned by the node from now on: it closes it
   * @return this builder
   */
  public PaxosNodeBuilder transport(Transport transport) {
    this.transport = Objects.requireNonNull(transport, "transport");
    return this;
  }

  /**
   * Also report this node's events and values to {@code observer} (metrics, say); may be called
   * more than once. Every node has a {@link LoggingObserver}, called first. See {@link
   * NodeObserver} for what an observer must not do.
   *
   * @param observer the observer; not null
   * @return this builder
   */
  public PaxosNodeBuilder observer(NodeObserver observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
    return this;
  }

  /**
   * Sets where durable state lives; defaults to {@link InMemoryStorage} (nothing survives the JVM).
   * Use {@link io.paxos.core.storage.FileStorage#open} for a node whose votes must survive a
   * restart. The node closes the storage when it closes.
   *
   * @param storage the storage, owned by the node from now on; not null
   * @return this builder
   */
  public PaxosNodeBuilder storage(Storage storage) {
    this.storage = Objects.requireNonNull(storage, "storage");
    return this;
  }

  /**
   * Sets the protocol's timings and limits ({@link ProtocolOptions#defaults()} unless set). The
   * options that shape the replicated state (such as {@link ProtocolOptions#maxSessions()}) must be
   * the same at every node.
   *
   * @param options the options; not null
   * @return this builder
   */
  public PaxosNodeBuilder options(ProtocolOptions options) {
    this.options = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Sets when this node snapshots its state machine and compacts its log ({@link
   * SnapshotOptions#defaults()} unless set; {@link SnapshotOptions#disabled()} keeps the whole
   * log). Snapshots go to the storage's {@link Storage#snapshots()}.
   *
   * @param options the snapshot policy; not null
   * @return this builder
   */
  public PaxosNodeBuilder snapshots(SnapshotOptions options) {
    this.snapshotOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Sets how much history of applied commands this node keeps for {@link PaxosNode#watch} ({@link
   * WatchOptions#disabled()} unless set: the node cannot be watched, and applying costs nothing
   * more). Only a node hosting a learner keeps one.
   *
   * @param options the history bounds; not null
   * @return this builder
   */
  public PaxosNodeBuilder watchHistory(WatchOptions options) {
    this.watchOptions = Objects.requireNonNull(options, "options");
    return this;
  }

  /**
   * Plug in another implementation of a role. Package-private: {@link RoleFactory} is internal, and
   * no application may swap the protocol's roles. The library's mutant tests plug theirs into the
   * simulator ({@code SimOptions.Builder.roles}); a runtime test in this package may call this.
   */
  PaxosNodeBuilder roles(RoleFactory roles) {
    this.roles = Objects.requireNonNull(roles, "roles");
    return this;
  }

  /**
   * Sets how long a command or read may stay unresolved before it fails as timed out.
   *
   * @param timeout the timeout, positive
   * @return this builder
   */
  public PaxosNodeBuilder commandTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("command timeout must be positive, was " + timeout);
    }
    this.commandTimeout = timeout;
    return this;
  }

  /**
   * Sets the most commands made at this node that may be pending; more are refused.
   *
   * @param max the limit, at least 1
   * @return this builder
   */
  public PaxosNodeBuilder maxPendingCommands(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxPendingCommands must be positive, was " + max);
    }
    this.maxPendingCommands = max;
    return this;
  }

  /**
   * Sets the most payload bytes of commands made at this node that may be pending (submitted, not
   * yet applied or failed); more are refused with {@link io.paxos.core.OverloadedException}. {@link
   * PaxosNode#DEFAULT_MAX_PENDING_BYTES} by default; at least {@link
   * ProtocolOptions#maxCommandBytes()}.
   *
   * @param max the limit in bytes, at least 1
   * @return this builder
   */
  public PaxosNodeBuilder maxPendingBytes(long max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxPendingBytes must be positive, was " + max);
    }
    this.maxPendingBytes = max;
    return this;
  }

  /**
   * Sets how far messages from peers may reach beyond this node's log, and how much they may carry
   * or ask for ({@link MessageLimits#defaults()} unless set); a message beyond them is refused and
   * dropped (see {@code docs/bounds.md}).
   *
   * @param limits the limits; not null
   * @return this builder
   */
  public PaxosNodeBuilder messageLimits(MessageLimits limits) {
    this.messageLimits = Objects.requireNonNull(limits, "limits");
    return this;
  }

  /**
   * Validate the settings, open the node's state (load the storage, restore the newest snapshot,
   * replay the log) and start it. The node owns the storage and the transport from here on: {@link
   * PaxosNode#close()} closes them, and so does a build that fails while opening or starting (a log
   * whose replay throws, say), so that nothing it opened is left behind.
   *
   * @return the started node
   * @throws IllegalStateException if a required setting is missing
   * @throws IllegalArgumentException if {@link #nodeId} is not a member, or the settings contradict
   *     each other: options whose largest message exceeds the transport's, or a {@link
   *     #maxPendingBytes} below the largest command
   * @throws io.paxos.core.storage.StorageException if the storage cannot be loaded
   */
  public PaxosNode build() {
    if (config == null) {
      throw new IllegalStateException("config(...) is required: the cluster's membership");
    }
    if (joinRoles != null && config.member(nodeId).isPresent()) {
      throw new IllegalArgumentException(
          "node id "
              + nodeId
              + " is in the cluster file already: a node joining the cluster needs a new id");
    }
    if (bootstrap == Bootstrap.JOIN && joinRoles == null) {
      throw new IllegalStateException("Bootstrap.JOIN needs the node's roles: use joinAs(roles)");
    }
    Member me =
        joinRoles != null
            ? new Member(nodeId, joinRoles)
            : config
                .member(nodeId)
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "node id "
                                + nodeId
                                + " is not a member of cluster "
                                + config.clusterId()
                                + "; members are "
                                + java.util.Arrays.toString(config.ids())
                                + " (to add a node to a running cluster, start it with"
                                + " joinAs(roles))"));
    self = me;
    if (joinRoles != null) {
      bootstrap = Bootstrap.JOIN;
    }
    if (transport == null) {
      throw new IllegalStateException("transport(...) is required: how nodes reach each other");
    }
    if (options.maxMessageBytes() > transport.maxMessageBytes()) {
      throw new IllegalArgumentException(
          "ProtocolOptions.maxMessageBytes "
              + options.maxMessageBytes()
              + " exceeds the largest message the transport carries ("
              + transport.maxMessageBytes()
              + " bytes): its peers would refuse what this node builds; lower maxMessageBytes"
              + " or raise the transport's limit (PaxosServer maxInboundMessageBytes)");
    }
    if (maxPendingBytes < options.maxCommandBytes()) {
      throw new IllegalArgumentException(
          "maxPendingBytes "
              + maxPendingBytes
              + " is below ProtocolOptions.maxCommandBytes "
              + options.maxCommandBytes());
    }
    if (me.has(Role.LEARNER) && stateMachine == null) {
      throw new IllegalStateException(
          "stateMachine(...) is required: node " + nodeId + " hosts a learner");
    }
    if (storage == null) {
      storage = new InMemoryStorage();
      bootstrap = bootstrap == null ? Bootstrap.NEW : bootstrap;
    }
    bootstrap = bootstrap == null ? Bootstrap.EXISTING : bootstrap;
    // A snapshot chunk travels in one message too.
    int chunkLimit = options.maxMessageBytes() - ProtocolOptions.MESSAGE_OVERHEAD_BYTES;
    if (snapshotOptions.chunkBytes() > chunkLimit) {
      snapshotOptions =
          new SnapshotOptions(
              snapshotOptions.intervalSlots(), snapshotOptions.intervalBytes(), chunkLimit);
    }
    return PaxosNode.open(this);
  }
}
