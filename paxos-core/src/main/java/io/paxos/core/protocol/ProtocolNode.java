package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import java.util.List;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The deterministic protocol state of one node: the roles it hosts, and the routing of inputs to
 * them. The runtime ({@code PaxosNode}) and the simulator drive it the same way:
 *
 * <ol>
 *   <li>feed inputs with {@link #receive}, {@link #submit}, {@link #read} and {@link #tick};
 *   <li>call {@link #flush} once the available inputs are consumed (this is where commands are
 *       batched into slots);
 *   <li>carry out the {@link Outbox}: persist and sync, then send, then deliver.
 * </ol>
 *
 * <p><b>Snapshots.</b> The host tells it when a durable snapshot covers a prefix of the slots,
 * either taken here ({@link #compact}) or received from a peer ({@link #installSnapshot}); the
 * acceptor then forgets those slots. A peer asking for compacted slots it no longer retains gets
 * the snapshot instead ({@link Outbox#sendSnapshot}); the host streams it. A learner announces each
 * newer durable snapshot ({@link Message.SnapshotDurable}) to the nodes that host an acceptor but
 * no learner, and again every {@value #ANNOUNCE_EVERY_HEARTBEATS} heartbeat intervals, so that
 * those acceptors, which have no snapshot of their own, can compact too.
 *
 * <p>Not thread-safe: exactly one thread calls it. It never blocks, reads no clock (time is passed
 * in), does no I/O, and takes its randomness from the generator it is given.
 */
public final class ProtocolNode {
  private final int id;
  private ClusterConfig config;
  // The membership of the slots from this node's learner's next one (docs/membership.md).
  private final NodeMembership members;
  private final ProtocolOptions options;
  private final Acceptor acceptor;
  private final Proposer proposer;
  private final Learner learner;
  private final boolean votes;
  private MessageBounds bounds;
  // The highest commit point a leader claimed (within bounds): the frontier of a node that hosts
  // neither a learner nor an acceptor.
  private long heardCommit;

  /** The most commands held while no leader is known. */
  public static final int MAX_PARKED = 65_536;

  /**
   * How many heartbeat intervals apart a learner repeats its snapshot announcement: a lost one only
   * delays compaction at the acceptors without a learner by about this long.
   */
  public static final int ANNOUNCE_EVERY_HEARTBEATS = 10;

  private final LeaderRouting routing;
  private final PastSlotsServer pastSlots;
  private final CommandCarrier commands;
  private long snapshotSlot;
  private final SnapshotAnnouncer announcer;
  // The first slot whose delivery the proposer and the acceptor have not been told of.
  private long chosenReported;

  /** A node that votes: it hosts every role its membership gives it. */
  public ProtocolNode(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state,
      RoleFactory roles) {
    this(id, config, options, random, state, roles, true);
  }

  /**
   * A node that hosts the roles its membership gives it, or, if {@code votes} is false, only its
   * learner (a learner-only member): no acceptor (it sends no {@code Promise}, {@code Accepted},
   * {@code Nack} or {@code HeartbeatAck}, so it counts in no quorum) and no proposer (it never
   * campaigns, and forwards commands to the leader it hears of). A member whose durable state was
   * lost must run so: its acceptor forgot its promises and votes, and its proposer the rounds it
   * used. A learner learns only what a quorum of voting acceptors chose, which is safe to learn
   * whatever it forgot.
   */
  public ProtocolNode(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state,
      RoleFactory roles,
      boolean votes) {
    this(id, config, options, random, state, roles, votes, MessageLimits.DEFAULTS);
  }

  /**
   * As {@link #ProtocolNode(int, ClusterConfig, ProtocolOptions, RandomGenerator, DurableState,
   * RoleFactory, boolean)}, refusing messages beyond {@code limits} (see {@link #refusal}).
   */
  public ProtocolNode(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state,
      RoleFactory roles,
      boolean votes,
      MessageLimits limits) {
    this(
        id,
        Membership.initial(config),
        config
            .member(id)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "node id "
                            + id
                            + " is not a member of cluster "
                            + config.clusterId()
                            + " (members: "
                            + java.util.Arrays.toString(config.ids())
                            + ")")),
        options,
        random,
        state,
        roles,
        votes,
        limits);
  }

  /**
   * As {@link #ProtocolNode(int, ClusterConfig, ProtocolOptions, RandomGenerator, DurableState,
   * RoleFactory, boolean, MessageLimits)}, in {@code start}, the membership known when the node
   * starts (the cluster file's, or a later one a snapshot carried; the changes among the recovered
   * chosen values after it are followed too), with {@code self}, this node's roles as its host
   * started it. They are the node's roles whatever the membership: a node's roles are fixed for its
   * id (docs/membership.md). The node may be outside {@code start} and the recovered log's
   * membership: removed before it stopped (a removed id may be added back), or joining a running
   * cluster, whose membership it learns from its peers; it then serves no commands or reads, learns
   * only from peers' delivered logs, and takes up its roles once a membership that has it takes
   * effect.
   */
  public ProtocolNode(
      int id,
      Membership start,
      Member self,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state,
      RoleFactory roles,
      boolean votes,
      MessageLimits limits) {
    Membership now = start;
    long slot = state.compactedThrough() + 1;
    for (Value v : state.chosen()) {
      now = now.after(slot++, v).orElse(now);
    }
    ClusterConfig config = now.config();
    if (self.id() != id) {
      throw new IllegalArgumentException("node " + id + " started with the roles of " + self);
    }
    Member me = self;
    this.id = id;
    this.config = config;
    this.options = options;
    this.votes = votes;
    this.bounds = new MessageBounds(config, limits, now.epoch());
    this.acceptor =
        votes && me.has(Role.ACCEPTOR) ? roles.acceptor(id, config, options, state) : null;
    this.proposer =
        votes && me.has(Role.PROPOSER) ? roles.proposer(id, config, options, random, state) : null;
    // The most bytes of values or commands one message carries.
    long messageBudget = (long) options.maxMessageBytes() - MessageBytes.MESSAGE_OVERHEAD;
    this.commands = new CommandCarrier(id, messageBudget);
    this.routing = new LeaderRouting(id, options, proposer, commands, this::removed);
    this.learner =
        me.has(Role.LEARNER)
            ? roles.learner(id, config, options, state.nextChosenSlot(), this::leaderHint)
            : null;
    this.snapshotSlot = state.compactedThrough();
    this.announcer = new SnapshotAnnouncer(id, options, learner != null, config);
    this.chosenReported = state.nextChosenSlot();
    this.pastSlots =
        new PastSlotsServer(id, options, acceptor, proposer, learner, state, messageBudget);
    this.members =
        new NodeMembership(id, now, acceptor, proposer, learner, 50L * options.retransmitMs());
    if (now.epoch() > 0) {
      members.start();
    }
  }

  /** The membership of the slots from this node's next one to deliver (docs/membership.md). */
  public Membership membership() {
    return members.current();
  }

  /**
   * Whether the current membership does not have this node (it was removed, or has not joined yet):
   * it serves no commands or reads.
   */
  public boolean removed() {
    return members.outside();
  }

  /**
   * Propose {@code next} as the cluster's next membership (docs/membership.md); it takes effect
   * when this node's learner delivers it ({@link #membership()}).
   *
   * @return why it is refused (this node does not lead, a change is in flight, {@code next} may not
   *     follow the current membership, a new acceptor has not caught up); empty if it is proposed
   */
  public Optional<String> proposeMembership(ClusterConfig next, long now) {
    return members.propose(next, commitSlot(), now);
  }

  /** Move to a later membership once this node knows its epoch ended, with its message bounds. */
  private void followMembership(long now, Outbox out) {
    if (members.follow(now, out)) {
      Membership next = members.current();
      config = next.config();
      bounds = new MessageBounds(config, bounds.limits(), next.epoch());
      announcer.follow(config);
    }
  }

  public int id() {
    return id;
  }

  public ClusterConfig config() {
    return config;
  }

  /** The limits this node refuses messages beyond (see {@link #refusal}). */
  public MessageLimits limits() {
    return bounds.limits();
  }

  public Optional<Acceptor> acceptor() {
    return Optional.ofNullable(acceptor);
  }

  public Optional<Proposer> proposer() {
    return Optional.ofNullable(proposer);
  }

  public Optional<Learner> learner() {
    return Optional.ofNullable(learner);
  }

  /** Whether this node votes; false for a learner-only member (see the constructor). */
  public boolean votes() {
    return votes;
  }

  public boolean isLeader() {
    return proposer != null && proposer.isLeader();
  }

  /** The node believed to lead (this node when it does), 0 if none is known. */
  public int leaderHint() {
    return routing.leaderHint();
  }

  /**
   * The highest ballot this node knows of: the one its proposer leads or campaigns with, or its
   * acceptor promised, whichever is higher; {@link Ballot#ZERO} if it knows none.
   */
  public Ballot ballot() {
    Ballot b = proposer != null ? proposer.ballot() : Ballot.ZERO;
    return acceptor != null ? Ballot.max(b, acceptor.promised()) : b;
  }

  /**
   * Every slot up to and including this one is known to be chosen, as far as this node's learner
   * knows (0 on a node without a learner, or when it knows of none).
   */
  public long commitSlot() {
    return learner != null ? learner.chosenBelow() - 1 : 0;
  }

  /** The slot the newest snapshot the host reported covers (0 if none). */
  public long snapshotSlot() {
    return snapshotSlot;
  }

  /**
   * A snapshot of this node's applied state covering every slot through {@code snapshotSlot} is
   * durable: the acceptor forgets those slots (they are chosen: this node applied them), peers
   * behind it are offered the snapshot, and the acceptors without a learner are told of it (queued
   * in {@code out}).
   */
  public void compact(long snapshotSlot, Outbox out) {
    if (snapshotSlot <= this.snapshotSlot) {
      return;
    }
    this.snapshotSlot = snapshotSlot;
    if (acceptor != null) {
      acceptor.compact(snapshotSlot);
    }
    announcer.announce(snapshotSlot, out);
  }

  /**
   * A snapshot received from a peer, covering every slot through {@code snapshotSlot}, is durable
   * here and is being restored into the state machine: the learner continues after it (if it is
   * ahead of the learner), in the membership the snapshot carries if that is later than this node's
   * (docs/membership.md: a snapshot may cover a change whose value this node never saw), and the
   * slots it covers are compacted.
   *
   * @param snapshotSlot the last slot the snapshot covers
   * @param governing the membership of slot {@code snapshotSlot + 1}, as the snapshot carries it;
   *     one that starts after that slot is ignored (a snapshot cannot know it)
   */
  public void installSnapshot(long snapshotSlot, Membership governing, long now, Outbox out) {
    if (learner == null || snapshotSlot < learner.nextSlot()) {
      return;
    }
    learner.installSnapshot(snapshotSlot, now);
    if (governing.firstSlot() <= snapshotSlot + 1
        && governing.config().clusterId().equals(config.clusterId())) {
      learner.adoptMembership(governing);
      followMembership(now, out);
    }
    if (proposer != null) {
      proposer.onChosenPrefix(learner.nextSlot());
    }
    compact(snapshotSlot, out);
  }

  /** Advance the roles' timers to {@code now}. */
  public void tick(long now, Outbox out) {
    if (proposer != null) {
      proposer.tick(now, out);
    }
    if (learner != null) {
      learner.tick(now, out);
      announcer.tick(now, snapshotSlot, out);
    }
    reportChosen(out);
    followMembership(now, out);
    routing.followLeader(now, out);
    routing.askAgainForReads(now, out);
    commands.routeAbandoned(out);
  }

  /**
   * Propose a client command: at this node if it leads, otherwise forwarded to the leader at the
   * next {@link #flush}. While no leader is known (an election is under way) the command waits
   * here, up to {@link #MAX_PARKED} commands and {@link ProtocolOptions#maxQueuedBytes()} of
   * payload; beyond that it comes back through {@link Outbox#abandon}.
   */
  public void submit(Command command, long now, Outbox out) {
    routing.submit(command, now, out);
  }

  /**
   * Set in a read's id ({@link #read}), this bit asks for a lease read ({@code Consistency.LEASE}):
   * the leader answers it from its lease, without a round trip, while the lease holds. The id
   * travels to the leader and back unchanged, so a read made at a follower is served from the
   * leader's lease too.
   */
  public static final long LEASE_READ = 1L << 62;

  /**
   * Ask for a read index for the read {@code readId} made at this node (answered in the outbox); a
   * lease read if {@code readId} has the {@link #LEASE_READ} bit. A read asked of another node is
   * asked again of the next leader if this node learns of one before the answer.
   *
   * <p>Lease reads rely on the host's {@code now}: it must come from a clock that never jumps (the
   * runtime reads the JVM's monotonic clock) and drifts within {@link
   * ProtocolOptions#maxClockDrift()}. It may be read once per turn, before the turn's inputs: the
   * leader answers a lease read at the next {@link #flush}, whose turn read its clock after the
   * read arrived, so that a thread paused between reading its clock and taking the read never
   * serves it from a lease that expired meanwhile.
   */
  public void read(long readId, long now, Outbox out) {
    routing.read(readId, now, out);
  }

  /**
   * The first slot this node has not delivered (or, without a learner, not compacted): messages may
   * reach at most {@link MessageLimits#maxSlotsAhead()} beyond it.
   */
  public long frontier() {
    long f = snapshotSlot + 1;
    if (learner != null) {
      f = Math.max(f, learner.nextSlot());
    }
    if (acceptor != null) {
      f = Math.max(f, acceptor.compactedThrough() + 1);
    }
    if (learner == null && acceptor == null) {
      f = Math.max(f, heardCommit);
    }
    return f;
  }

  /**
   * Why this node refuses {@code message} from the network, if it does ({@link MessageBounds}). The
   * host asks (through {@code io.paxos.core.host.PeerMessageBounds}, which checks the host's own
   * messages too) before it hands a peer's message to {@link #receive} or anywhere else, and drops
   * a refused one; messages a node sends itself need no check.
   */
  public Optional<String> refusal(Message message) {
    return bounds.refusal(message, frontier(), knownRound(), knownEpoch());
  }

  /** The highest membership epoch this node knows of, from the same ballots as the round. */
  private int knownEpoch() {
    int e = Math.max(ballot().epoch(), routing.heardBallot().epoch());
    return proposer != null ? Math.max(e, proposer.leaderBallot().epoch()) : e;
  }

  /** The highest round this node knows of: its own, its promise's, or a leader's it heard. */
  private long knownRound() {
    long r = Math.max(ballot().round(), routing.heardBallot().round());
    return proposer != null ? Math.max(r, proposer.leaderBallot().round()) : r;
  }

  /**
   * Consume one message from the network (or from this node itself, after the sync). A message from
   * the network must have passed {@link #refusal}. A leader's commit point further ahead than the
   * bounds allow is taken only up to that point: the node catches up and hears the rest later.
   */
  public void receive(Message message, long now, Outbox out) {
    message = bounds.withCommitClaim(message, frontier());
    if (message instanceof Message.Prepare m) {
      if (acceptor != null) {
        acceptor.onPrepare(m, now, out);
      }

    } else if (message instanceof Message.Promise m) {
      if (proposer != null) {
        proposer.onPromise(m, now, out);
      }

    } else if (message instanceof Message.Accept m) {
      observeLeader(m.ballot(), m.commitSlot(), m.from(), now, out);
      if (acceptor != null) {
        acceptor.onAccept(m, now, out);
      }
      if (learner != null) {
        learner.onAccept(m, now, out);
      }

    } else if (message instanceof Message.Accepted m) {
      if (proposer != null) {
        proposer.onAccepted(m, now, out);
      }
      if (learner != null) {
        learner.onAccepted(m, now, out);
      }

    } else if (message instanceof Message.Nack m) {
      if (proposer != null) {
        proposer.onNack(m, now, out);
      }
      if (learner != null && m.promised().epoch() > members.current().epoch()) {
        // The sender is in a later epoch: this node missed the change. Its log has it.
        out.send(
            m.from(),
            new Message.CatchUpRequest(id, learner.nextSlot(), options.maxSlotsPerMessage()));
      }

    } else if (message instanceof Message.Commit m) {
      observeLeader(m.ballot(), m.commitSlot(), m.from(), now, out);
      if (learner != null) {
        learner.onCommit(m.ballot(), m.commitSlot(), now, out);
      }

    } else if (message instanceof Message.Heartbeat m) {
      observeLeader(m.ballot(), m.commitSlot(), m.from(), now, out);
      if (acceptor != null) {
        acceptor.onHeartbeat(m, now, out);
      }
      if (learner != null) {
        learner.onCommit(m.ballot(), m.commitSlot(), now, out);
      }
      if (proposer != null && m.from() != id && config.hasPriorities()) {
        if (learner != null) {
          proposer.onChosenPrefix(learner.nextSlot());
        }
        proposer.onHeartbeat(m, now, out);
      }

    } else if (message instanceof Message.HeartbeatAck m) {
      if (proposer != null) {
        proposer.onHeartbeatAck(m, now, out);
      }

    } else if (message instanceof Message.PriorityClaim m) {
      if (proposer != null) {
        proposer.onPriorityClaim(m, now, out);
      }

    } else if (message instanceof Message.CatchUpRequest m) {
      members.askedForLog(m.from(), m.fromSlot(), now);
      pastSlots.serveCatchUp(m, snapshotSlot, out);
    } else if (message instanceof Message.CatchUpReply m) {
      if (learner != null) {
        learner.onCatchUpReply(m, now, out);
      }
      if (proposer != null) {
        proposer.onCatchUpReply(m, out);
      }

    } else if (message instanceof Message.AcceptedQuery m) {
      if (acceptor != null) {
        pastSlots.answerQuery(m, out);
      }
    } else if (message instanceof Message.SnapshotDurable m) {
      if (acceptor != null) {
        acceptor.onSnapshotDurable(m, out);
      }
    } else if (message instanceof Message.AcceptedReport m) {
      if (learner != null) {
        learner.onAcceptedReport(m, now, out);
      }

    } else if (message instanceof Message.Forward m) {
      routing.onForward(m, now, out);
    } else if (message instanceof Message.ForwardRejected m) {
      routing.onForwardRejected(m, out);
    } else if (message instanceof Message.ReadIndexRequest m) {
      routing.onReadIndexRequest(m, now, out);
    } else if (message instanceof Message.ReadIndexReply m) {
      routing.onReadIndexReply(m, out);
    }
    reportChosen(out);
    followMembership(now, out);
    if (learner != null && proposer != null) {
      proposer.onChosenPrefix(learner.nextSlot());
    }
    routing.followLeader(now, out);
    commands.routeAbandoned(out);
  }

  /**
   * Tell the proposer of the values this node's learner delivered since it was last told, and the
   * acceptor of the compact copies the learner keeps of them.
   */
  private void reportChosen(Outbox out) {
    if (learner == null || (proposer == null && acceptor == null && !routing.awaitsDelivery())) {
      return;
    }
    List<Outbox.Delivery> delivered = out.deliveries();
    int i = delivered.size();
    while (i > 0 && delivered.get(i - 1).slot() >= chosenReported) {
      i--;
    }
    for (; i < delivered.size(); i++) {
      Outbox.Delivery d = delivered.get(i);
      routing.delivered(d.value());
      if (proposer != null) {
        proposer.onChosen(d.slot(), d.value(), out);
      }
      if (acceptor != null) {
        Value kept = learner.delivered(d.slot()).orElse(null);
        if (kept != null) {
          acceptor.onDelivered(d.slot(), d.value(), kept);
        }
      }
      chosenReported = d.slot() + 1;
    }
  }

  /**
   * Send what the inputs since the last flush produced: batches of queued commands as {@code
   * Accept}s, the commit point, forwarded commands. Ends the host's turn: the next one must read
   * its clock after this call (leases count on it; see {@link #read}).
   */
  public void flush(long now, Outbox out) {
    routing.releaseParked(now, out);
    routing.followLeader(now, out);
    if (proposer != null) {
      proposer.flush(now, out);
    }
    routing.sendForwards(out);
    commands.routeAbandoned(out);
    if (acceptor != null) {
      acceptor.endTurn(now);
    }
  }

  private void observeLeader(Ballot ballot, long commitSlot, int from, long now, Outbox out) {
    heardCommit = Math.max(heardCommit, commitSlot);
    routing.heard(ballot, from);
    if (proposer != null && from != id) {
      // A node with a learner starts phase 1 where its learner is, not at a commit point a leader
      // claimed: a false claim would make it skip slots that are not chosen.
      long chosen = learner != null ? learner.nextSlot() : commitSlot;
      proposer.onLeaderMessage(ballot, chosen, now, out);
    }
  }
}
