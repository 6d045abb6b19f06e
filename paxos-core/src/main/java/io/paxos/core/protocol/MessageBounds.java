package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.Role;
import java.util.List;
import java.util.Optional;

/**
 * The one check of every protocol message from the network, before any role sees it and before
 * anything of it is persisted: ballots, slots, counts and sizes within bounds that follow from the
 * protocol and from this node's own state. A message that fails is refused whole (dropped and
 * counted by the host): taking part of it could break the protocol (a {@code Promise} without some
 * of its entries could let a new leader overwrite a chosen value).
 *
 * <ul>
 *   <li><b>Absolute bounds</b> ({@link #malformed}, needing no state, so that a transport can check
 *       them too and close the stream that carried the message): no round above {@link
 *       Ballot#MAX_ROUND} (a proposer must always be able to go one round higher) and no epoch
 *       above {@link Ballot#MAX_EPOCH}, no slot, offset or size that is negative or above {@link
 *       #MAX_SLOT}, no node id outside {@link Member#MAX_ID}, no range whose end is below its
 *       start.
 *   <li><b>Relative bounds</b> ({@link #refusal}): the sender is a member hosting the role that
 *       sends such a message, and a proposer's message carries its own ballot; no slot further than
 *       {@link MessageLimits#maxSlotsAhead()} beyond the {@code frontier} (the first slot this node
 *       has not delivered or compacted); no more entries than {@link
 *       MessageLimits#maxEntriesPerMessage()}; no ballot more than {@link
 *       MessageLimits#maxRoundsAhead()} rounds or {@link #MAX_EPOCHS_AHEAD} epochs above the
 *       highest this node knows.
 *   <li><b>Commit points</b> are not refused for being far ahead (a node that lagged must still
 *       hear that it is behind, to catch up): {@link #commitClaim} takes them only up to {@code
 *       maxSlotsAhead} beyond the frontier.
 * </ul>
 *
 * <p>The messages hosts exchange beside the protocol (results, snapshot transfers) are checked by
 * the same rules in {@code io.paxos.core.host.PeerMessageBounds}, which hosts call for every
 * message from a peer and which hands protocol messages to {@link ProtocolNode#refusal}.
 *
 * <p>Stateless and thread-safe; the caller passes the frontier.
 */
public final class MessageBounds {
  /**
   * The highest slot any message may name: 2^62, so that a slot plus any count of entries a message
   * can carry never overflows.
   */
  public static final long MAX_SLOT = 1L << 62;

  /**
   * How many membership epochs above the highest it knows a node takes a ballot from: a node that
   * slept through more changes than this catches up through its learner's log first. Without the
   * bound a forged ballot of the largest epoch, once promised, would make an acceptor refuse every
   * real proposer for good.
   */
  public static final int MAX_EPOCHS_AHEAD = 1 << 10;

  private final ClusterConfig config;
  private final MessageLimits limits;
  // The membership epoch of config.
  private final int epoch;

  public MessageBounds(ClusterConfig config, MessageLimits limits) {
    this(config, limits, 0);
  }

  /** Bounds for a node whose membership is {@code config}, of epoch {@code epoch}. */
  public MessageBounds(ClusterConfig config, MessageLimits limits, int epoch) {
    this.config = config;
    this.limits = limits;
    this.epoch = epoch;
  }

  public MessageLimits limits() {
    return limits;
  }

  /** Why {@code m} breaks an absolute bound (that needs no state to check), if it does. */
  public static Optional<String> malformed(Message m) {
    try {
      absolute(m);
      return Optional.empty();
    } catch (Refused r) {
      return Optional.of(r.getMessage());
    }
  }

  /**
   * Why this node refuses {@code m}, if it does.
   *
   * @param frontier the first slot this node has not delivered (or, on a node without a learner,
   *     not compacted); slots more than {@code maxSlotsAhead} beyond it are refused
   * @param knownRound the highest round this node knows of; rounds more than {@code maxRoundsAhead}
   *     above it are refused
   */
  public Optional<String> refusal(Message m, long frontier, long knownRound) {
    return refusal(m, frontier, knownRound, 0);
  }

  /**
   * Why this node refuses {@code m}, if it does.
   *
   * @param frontier the first slot this node has not delivered (or, on a node without a learner,
   *     not compacted); slots more than {@code maxSlotsAhead} beyond it are refused
   * @param knownRound the highest round this node knows of; rounds more than {@code maxRoundsAhead}
   *     above it are refused
   * @param knownEpoch the highest membership epoch this node knows of; ballots of epochs more than
   *     {@link #MAX_EPOCHS_AHEAD} above it are refused
   */
  public Optional<String> refusal(Message m, long frontier, long knownRound, int knownEpoch) {
    try {
      absolute(m);
      relative(m, frontier);
      // Saturating: a round beyond the maximum may come from storage written without bounds.
      long roundReach =
          Math.min(Math.max(0, knownRound), Ballot.MAX_ROUND) + limits.maxRoundsAhead();
      long epochReach = Math.min(Math.max(0, knownEpoch), Ballot.MAX_EPOCH) + MAX_EPOCHS_AHEAD;
      rounds(m, new Reach(roundReach, epochReach));
      return Optional.empty();
    } catch (Refused r) {
      return Optional.of(r.getMessage());
    }
  }

  /** The commit point this node takes from a leader claiming {@code commitSlot}. */
  public long commitClaim(long commitSlot, long frontier) {
    return Math.min(commitSlot, reach(frontier));
  }

  /**
   * {@code message}, with the commit point it claims (if it is an {@code Accept}, {@code Commit} or
   * {@code Heartbeat}) taken only as far as {@link #commitClaim} allows.
   */
  Message withCommitClaim(Message message, long frontier) {
    if (message instanceof Message.Accept m) {
      long commit = commitClaim(m.commitSlot(), frontier);
      return commit == m.commitSlot()
          ? m
          : new Message.Accept(m.from(), m.ballot(), m.firstSlot(), m.values(), commit);
    } else if (message instanceof Message.Commit m) {
      long commit = commitClaim(m.commitSlot(), frontier);
      return commit == m.commitSlot() ? m : new Message.Commit(m.from(), m.ballot(), commit);
    } else if (message instanceof Message.Heartbeat m) {
      long commit = commitClaim(m.commitSlot(), frontier);
      return commit == m.commitSlot()
          ? m
          : new Message.Heartbeat(m.from(), m.ballot(), commit, m.sequence());
    }
    return message;
  }

  /** The slot beyond which nothing is taken, for {@code frontier}. */
  private long reach(long frontier) {
    return Math.min(MAX_SLOT, Math.min(Math.max(0, frontier), MAX_SLOT) + limits.maxSlotsAhead());
  }

  // ---- absolute bounds

  private static void absolute(Message message) {
    if (message instanceof Message.Prepare m) {
      proposerBallot("Prepare", m.ballot(), m.from());
      slot("Prepare fromSlot", m.fromSlot());
    } else if (message instanceof Message.Promise m) {
      ballot("Promise", m.ballot());
      slot("Promise fromSlot", m.fromSlot());
      entries("Promise", m.accepted(), m.fromSlot(), MAX_SLOT);
    } else if (message instanceof Message.Accept m) {
      proposerBallot("Accept", m.ballot(), m.from());
      slot("Accept firstSlot", m.firstSlot());
      slot("Accept end", m.firstSlot() + m.values().size());
      slot("Accept commitSlot", m.commitSlot());
    } else if (message instanceof Message.Accepted m) {
      ballot("Accepted", m.ballot());
      slot("Accepted firstSlot", m.firstSlot());
      count("Accepted count", m.count());
      slot("Accepted end", m.firstSlot() + m.count());
    } else if (message instanceof Message.Nack m) {
      ballot("Nack rejected", m.rejected());
      ballot("Nack promised", m.promised());
    } else if (message instanceof Message.Commit m) {
      proposerBallot("Commit", m.ballot(), m.from());
      slot("Commit commitSlot", m.commitSlot());
    } else if (message instanceof Message.Heartbeat m) {
      proposerBallot("Heartbeat", m.ballot(), m.from());
      slot("Heartbeat commitSlot", m.commitSlot());
    } else if (message instanceof Message.HeartbeatAck m) {
      ballot("HeartbeatAck", m.ballot());
    } else if (message instanceof Message.PriorityClaim m) {
      ballot("PriorityClaim", m.ballot());
      slot("PriorityClaim chosenBelow", m.chosenBelow());
    } else if (message instanceof Message.CatchUpRequest m) {
      slot("CatchUpRequest fromSlot", m.fromSlot());
      count("CatchUpRequest maxSlots", m.maxSlots());
    } else if (message instanceof Message.CatchUpReply m) {
      slot("CatchUpReply firstSlot", m.firstSlot());
      slot("CatchUpReply end", m.firstSlot() + m.values().size());
    } else if (message instanceof Message.AcceptedQuery m) {
      range("AcceptedQuery", m.fromSlot(), m.toSlot());
    } else if (message instanceof Message.AcceptedReport m) {
      range("AcceptedReport", m.fromSlot(), m.toSlot());
      entries("AcceptedReport", m.accepted(), m.fromSlot(), m.toSlot() - 1);
    } else if (message instanceof Message.SnapshotDurable m) {
      slot("SnapshotDurable slot", m.slot());
    } else if (message instanceof Message.Forward m) {
      ballot("Forward leaderBallot", m.leaderBallot());
      commands("Forward", m.commands());
    } else if (message instanceof Message.ForwardRejected m) {
      commands("ForwardRejected", m.commands());
      nodeOrZero("ForwardRejected leaderHint", m.leaderHint());
    } else if (message instanceof Message.ReadIndexReply m) {
      slot("ReadIndexReply readIndex", m.readIndex());
      nodeOrZero("ReadIndexReply leaderHint", m.leaderHint());
    }
    // ReadIndexRequest: an id only, echoed back.
  }

  private static void ballot(String what, Ballot b) {
    if (b.round() > Ballot.MAX_ROUND
        || b.nodeId() > Member.MAX_ID
        || b.epoch() > Ballot.MAX_EPOCH) {
      throw new Refused(
          what
              + " ballot "
              + b
              + " is out of bounds (round at most "
              + Ballot.MAX_ROUND
              + ", epoch at most "
              + Ballot.MAX_EPOCH
              + ")");
    }
  }

  /** A proposer's own ballot: issued by the sender, from round 1 on. */
  private static void proposerBallot(String what, Ballot b, int from) {
    ballot(what, b);
    if (b.round() < 1 || b.nodeId() != from) {
      throw new Refused(what + " ballot " + b + " is not a ballot node " + from + " can issue");
    }
  }

  private static void slot(String what, long slot) {
    if (slot < 0 || slot > MAX_SLOT) {
      throw new Refused(what + " " + slot + " is out of bounds (0 to " + MAX_SLOT + ")");
    }
  }

  private static void count(String what, long n) {
    if (n < 0) {
      throw new Refused(what + " " + n + " is negative");
    }
  }

  private static void range(String what, long from, long to) {
    slot(what + " fromSlot", from);
    slot(what + " toSlot", to);
    if (to < from) {
      throw new Refused(what + " range " + from + ".." + to + " ends before it starts");
    }
  }

  private static void entries(String what, List<AcceptedEntry> entries, long low, long high) {
    for (AcceptedEntry e : entries) {
      ballot(what + " entry", e.ballot());
      if (e.slot() < low || e.slot() > high) {
        throw new Refused(
            what + " entry for slot " + e.slot() + " is outside " + low + ".." + high);
      }
    }
  }

  private static void commands(String what, List<Command> commands) {
    for (Command c : commands) {
      if (c.origin() < 1 || c.origin() > Member.MAX_ID) {
        throw new Refused(what + " command of origin " + c.origin() + " names no node");
      }
    }
  }

  private static void nodeOrZero(String what, int id) {
    if (id < 0 || id > Member.MAX_ID) {
      throw new Refused(what + " " + id + " names no node");
    }
  }

  // ---- bounds relative to the cluster and this node's state

  /** The highest round and epoch a ballot may have. */
  private record Reach(long round, long epoch) {}

  private static void rounds(Message message, Reach reach) {
    if (message instanceof Message.Prepare m) {
      roundWithin("Prepare", m.ballot(), reach);
    } else if (message instanceof Message.Promise m) {
      roundWithin("Promise", m.ballot(), reach);
    } else if (message instanceof Message.Accept m) {
      roundWithin("Accept", m.ballot(), reach);
    } else if (message instanceof Message.Accepted m) {
      roundWithin("Accepted", m.ballot(), reach);
    } else if (message instanceof Message.Nack m) {
      roundWithin("Nack rejected", m.rejected(), reach);
      roundWithin("Nack promised", m.promised(), reach);
    } else if (message instanceof Message.Commit m) {
      roundWithin("Commit", m.ballot(), reach);
    } else if (message instanceof Message.Heartbeat m) {
      roundWithin("Heartbeat", m.ballot(), reach);
    } else if (message instanceof Message.HeartbeatAck m) {
      roundWithin("HeartbeatAck", m.ballot(), reach);
    } else if (message instanceof Message.PriorityClaim m) {
      roundWithin("PriorityClaim", m.ballot(), reach);
    } else if (message instanceof Message.Forward m) {
      roundWithin("Forward", m.leaderBallot(), reach);
    }
    // Entries of a Promise or AcceptedReport are below the ballot of their message, or were
    // accepted by an acceptor that checked them.
  }

  private static void roundWithin(String what, Ballot b, Reach reach) {
    if (b.round() > reach.round()) {
      throw new Refused(
          what + " ballot " + b + " is further above the rounds this node knows than allowed");
    }
    if (b.epoch() > reach.epoch()) {
      throw new Refused(
          what + " ballot " + b + " is further above the epochs this node knows than allowed");
    }
  }

  private void relative(Message message, long frontier) {
    sender(message);
    long reach = reach(frontier);
    int maxEntries = limits.maxEntriesPerMessage();
    if (message instanceof Message.Promise m) {
      within("Promise fromSlot", m.fromSlot(), reach, frontier);
      most("Promise entries", m.accepted().size(), limits.maxSlotsAhead());
      for (AcceptedEntry e : m.accepted()) {
        within("Promise entry slot", e.slot(), reach, frontier);
        most("Promise entry commands", e.value().commands().size(), maxEntries);
      }
    } else if (message instanceof Message.Accept m) {
      most("Accept values", m.values().size(), maxEntries);
      within("Accept end", m.endSlot(), reach, frontier);
      valueCommands("Accept", m.values(), maxEntries);
    } else if (message instanceof Message.Accepted m) {
      most("Accepted count", m.count(), maxEntries);
      within("Accepted end", m.firstSlot() + m.count(), reach, frontier);
    } else if (message instanceof Message.CatchUpRequest m) {
      most("CatchUpRequest maxSlots", m.maxSlots(), maxEntries);
    } else if (message instanceof Message.CatchUpReply m) {
      most("CatchUpReply values", m.values().size(), maxEntries);
      within("CatchUpReply end", m.firstSlot() + m.values().size(), reach, frontier);
      valueCommands("CatchUpReply", m.values(), maxEntries);
    } else if (message instanceof Message.AcceptedQuery m) {
      most("AcceptedQuery slots", m.toSlot() - m.fromSlot(), maxEntries);
    } else if (message instanceof Message.AcceptedReport m) {
      most("AcceptedReport slots", m.toSlot() - m.fromSlot(), maxEntries);
      most("AcceptedReport entries", m.accepted().size(), maxEntries);
      for (AcceptedEntry e : m.accepted()) {
        most("AcceptedReport entry commands", e.value().commands().size(), maxEntries);
      }
    } else if (message instanceof Message.Forward m) {
      most("Forward commands", m.commands().size(), maxEntries);
      members("Forward", m.commands());
    } else if (message instanceof Message.ForwardRejected m) {
      most("ForwardRejected commands", m.commands().size(), maxEntries);
    }
  }

  /** The sender is a member, hosting the role that sends such a message. */
  private void sender(Message m) {
    Optional<Member> member = config.member(m.from());
    if (member.isEmpty() && fromAnotherMembership(m)) {
      return; // a member of another membership than this node's (docs/membership.md)
    }
    if (member.isEmpty()) {
      throw new Refused(kind(m) + " from node " + m.from() + ", not a member");
    }
    Role role = senderRole(m);
    if (role != null && !member.get().has(role)) {
      throw new Refused(kind(m) + " from node " + m.from() + ", which hosts no " + role);
    }
  }

  /**
   * Whether {@code m} may come from a member of another membership than this node's: it carries a
   * ballot of another epoch (a later one this node has not learned yet, or an earlier one of a node
   * that missed a change, which the roles ignore or refuse, telling it to catch up), or it is a
   * catch-up request or reply, or a learner's query of the acceptors and its answer, which nodes of
   * different epochs exchange while one catches up with the other (a node that missed a change, or
   * joins, asks a node that knows it; a node the change removed may serve one that missed it). Such
   * a sender cannot be checked against a membership this node does not know; the transport
   * authenticated it as a peer of the cluster.
   */
  private boolean fromAnotherMembership(Message m) {
    Ballot b = null;
    if (m instanceof Message.Prepare p) {
      b = p.ballot();
    } else if (m instanceof Message.Accept a) {
      b = a.ballot();
    } else if (m instanceof Message.Commit c) {
      b = c.ballot();
    } else if (m instanceof Message.Heartbeat h) {
      b = h.ballot();
    } else if (m instanceof Message.Nack n) {
      b = n.promised();
    } else if (m instanceof Message.CatchUpReply
        || m instanceof Message.CatchUpRequest
        || m instanceof Message.AcceptedQuery
        || m instanceof Message.AcceptedReport) {
      return true;
    }
    return b != null && b.epoch() != epoch;
  }

  private static Role senderRole(Message m) {
    if (m instanceof Message.Prepare
        || m instanceof Message.Accept
        || m instanceof Message.Commit
        || m instanceof Message.Heartbeat
        || m instanceof Message.PriorityClaim) {
      return Role.PROPOSER;
    }
    if (m instanceof Message.Promise
        || m instanceof Message.Accepted
        || m instanceof Message.Nack
        || m instanceof Message.HeartbeatAck
        || m instanceof Message.AcceptedReport) {
      return Role.ACCEPTOR;
    }
    if (m instanceof Message.SnapshotDurable) {
      return Role.LEARNER;
    }
    return null;
  }

  private void members(String what, List<Command> commands) {
    for (Command c : commands) {
      if (config.member(c.origin()).isEmpty()) {
        throw new Refused(what + " command of origin " + c.origin() + ", not a member");
      }
    }
  }

  /**
   * No value holds more commands than one message may carry: a batch's count is read from its
   * binary form, without decoding a command.
   */
  private static void valueCommands(String what, List<Value> values, int max) {
    for (Value v : values) {
      most(what + " value commands", v.commands().size(), max);
    }
  }

  private static void within(String what, long slot, long reach, long frontier) {
    if (slot > reach) {
      throw new Refused(
          what
              + " "
              + slot
              + " is more than "
              + (reach - frontier)
              + " slots beyond this node's log (at "
              + frontier
              + ")");
    }
  }

  private static void most(String what, long n, long max) {
    if (n > max) {
      throw new Refused(what + " " + n + " exceeds the limit " + max);
    }
  }

  private static String kind(Message m) {
    return m.getClass().getSimpleName();
  }

  /** A refusal, carried up to {@link #refusal}; no stack trace (an attacker chooses how many). */
  private static final class Refused extends RuntimeException {
    Refused(String why) {
      super(why, null, false, false);
    }
  }
}
