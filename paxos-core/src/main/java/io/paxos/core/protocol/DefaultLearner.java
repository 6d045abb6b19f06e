package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The library's learner. A slot is known chosen when (a) a leader's commit point passes it and this
 * learner saw that leader's proposal for it in the same ballot, (b) a phase-2 quorum of acceptors
 * reported accepting one ballot for it (when acceptors send {@code Accepted} to learners), or (c) a
 * peer sent its chosen value in a catch-up reply, or (d) for a slot it already knows is chosen, the
 * acceptors' answers to an {@code AcceptedQuery}, from enough acceptors to meet every phase-2
 * quorum, name the value of the highest ballot. Values accepted in another ballot are never taken
 * as chosen: they are fetched instead. The learner asks its peers first, and the acceptors when the
 * peers have not helped for two catch-up rounds (the value of a chosen slot may be held by the
 * acceptors only, after a leader change).
 *
 * <p>Not thread-safe; see {@link Learner}.
 */
public final class DefaultLearner implements Learner {
  private static final class SlotState {
    Ballot ballot = Ballot.ZERO;
    Value value;
    Ballot voteBallot = Ballot.ZERO;
    long votes;
    Ballot chosenBallot;
  }

  private final int id;
  private final ProtocolOptions options;
  // The membership of the slots from nextSlot, and what it gives this learner: peers to catch up
  // from, acceptors to query and count votes of (docs/membership.md, R3 and R4).
  private Membership membership;
  private ClusterConfig config;
  private int[] peers;
  private int[] acceptors;
  private int readQuorum;
  // This node is not a member of its membership (joining, or removed): no leader sends it commit
  // points, so it polls the members for the log.
  private boolean outside;
  private long lastPollAt = Long.MIN_VALUE;
  private final IntSupplier leaderHint;
  private final SlotRing<SlotState> slots;

  // A value known chosen, and the epoch of what told it (TRUSTED: a peer's delivered log).
  private record Chosen(Value value, int epoch) {}

  private static final int TRUSTED = Integer.MAX_VALUE;
  private final SlotRing<Chosen> chosen;
  private final SlotRing<Value> retained;
  private long nextSlot;
  private long chosenBelow;
  private Ballot commitBallot = Ballot.ZERO;
  private long commitBallotSlot;
  private long lastProgressAt = Long.MIN_VALUE;
  private int nextPeer;
  private int stalledRounds;
  private long queryId;
  private long queryFrom;
  private long queryTo;
  private long queryAsked;
  private long queryAnswered;
  private AcceptedEntry[] queryBest;

  /**
   * @param firstSlot the first slot not yet delivered (slots below it were delivered before a
   *     restart, or are covered by a snapshot)
   * @param leaderHint the node believed to lead, asked for catch-up when peers cannot help
   */
  public DefaultLearner(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      long firstSlot,
      IntSupplier leaderHint) {
    this.id = id;
    this.options = options;
    this.leaderHint = leaderHint;
    use(Membership.initial(config));
    this.nextSlot = firstSlot;
    this.chosenBelow = firstSlot;
    this.slots = new SlotRing<>(firstSlot, 1024);
    this.chosen = new SlotRing<>(firstSlot, 1024);
    this.retained = new SlotRing<>(firstSlot, 1024);
  }

  private void use(Membership next) {
    membership = next;
    config = next.config();
    peers = Arrays.stream(config.idsWith(Role.LEARNER)).filter(n -> n != id).toArray();
    acceptors = config.idsWith(Role.ACCEPTOR);
    readQuorum = acceptors.length - config.phase2Quorum() + 1;
    outside = config.member(id).isEmpty();
  }

  @Override
  public Membership membership() {
    return membership;
  }

  @Override
  public void adoptMembership(Membership next) {
    if (next.epoch() > membership.epoch()) {
      use(next);
      forgetUndelivered();
    }
  }

  /**
   * Forget what this learner learned of the slots it has not delivered from ballots of the epochs
   * that have ended: past the last slot of its epoch it may be void (docs/membership.md, R3). What
   * a ballot of the new epoch or a later one told it stays, and so does what peers' delivered logs
   * told it; what is forgotten and was right is learned again in the new epoch.
   */
  private void forgetUndelivered() {
    int epoch = membership.epoch();
    long highestKept = nextSlot - 1;
    for (long slot = nextSlot; slot < chosen.end(); slot++) {
      Chosen c = chosen.get(slot);
      if (c != null && c.epoch() < epoch) {
        chosen.put(slot, null);
      } else if (c != null) {
        highestKept = slot;
      }
    }
    for (long slot = nextSlot; slot < slots.end(); slot++) {
      SlotState s = slots.get(slot);
      if (s != null && s.ballot.epoch() < epoch) {
        s.ballot = Ballot.ZERO;
        s.value = null;
      }
      if (s != null && s.voteBallot.epoch() < epoch) {
        s.voteBallot = Ballot.ZERO;
        s.votes = 0;
        s.chosenBallot = null;
      }
    }
    if (commitBallot.epoch() < epoch) {
      commitBallot = Ballot.ZERO;
      commitBallotSlot = 0;
    }
    chosenBelow = Math.max(Math.max(nextSlot, highestKept + 1), commitBallotSlot);
    queryBest = null;
  }

  /** Whether {@code ballot} is of an epoch that has ended here: what it says is ignored (R4). */
  private boolean ended(Ballot ballot) {
    return ballot.epoch() < membership.epoch();
  }

  @Override
  public long chosenBelow() {
    return Math.max(chosenBelow, nextSlot);
  }

  @Override
  public long nextSlot() {
    return nextSlot;
  }

  @Override
  public void onAccept(Message.Accept accept, long now, Outbox out) {
    Ballot ballot = accept.ballot();
    if (ended(ballot)) {
      return;
    }
    long slot = accept.firstSlot();
    for (Value value : accept.values()) {
      if (slot >= nextSlot && chosen.get(slot) == null) {
        SlotState s = state(slot);
        if (ballot.isAtLeast(s.ballot)) {
          s.ballot = ballot;
          s.value = value;
          boolean committed = ballot.equals(commitBallot) && slot < commitBallotSlot;
          if (committed || ballot.equals(s.chosenBallot)) {
            markChosen(slot, value, ballot.epoch());
          }
        }
      }
      slot++;
    }
    onCommit(ballot, accept.commitSlot(), now, out);
  }

  @Override
  public void onAccepted(Message.Accepted accepted, long now, Outbox out) {
    int index = config.acceptorIndex(accepted.from());
    // Votes count only against the configuration of their own epoch, which is this learner's.
    if (index < 0 || accepted.ballot().epoch() != membership.epoch()) {
      return;
    }
    Ballot ballot = accepted.ballot();
    long end = accepted.firstSlot() + accepted.count();
    for (long slot = Math.max(accepted.firstSlot(), nextSlot); slot < end; slot++) {
      if (chosen.get(slot) != null) {
        continue;
      }
      SlotState s = state(slot);
      if (ballot.isAbove(s.voteBallot)) {
        s.voteBallot = ballot;
        s.votes = 0;
      }
      if (ballot.equals(s.voteBallot)) {
        s.votes |= 1L << index;
        if (Long.bitCount(s.votes) >= config.phase2Quorum()) {
          s.chosenBallot = ballot;
          if (ballot.equals(s.ballot)) {
            markChosen(slot, s.value, ballot.epoch());
          }
        }
      }
    }
    deliverReady(now, out);
  }

  @Override
  public void onCommit(Ballot ballot, long commitSlot, long now, Outbox out) {
    if (ended(ballot)) {
      return;
    }
    chosenBelow = Math.max(chosenBelow, commitSlot);
    if (ballot.isAbove(commitBallot)) {
      commitBallot = ballot;
      commitBallotSlot = commitSlot;
    } else if (ballot.equals(commitBallot)) {
      commitBallotSlot = Math.max(commitBallotSlot, commitSlot);
    }
    // Only the slots this learner holds state for: never a loop as long as a claimed commit point.
    long end = Math.min(commitSlot, slots.end());
    for (long slot = nextSlot; slot < end; slot++) {
      SlotState s = slots.get(slot);
      if (s != null && s.value != null && s.ballot.equals(ballot) && chosen.get(slot) == null) {
        markChosen(slot, s.value, ballot.epoch());
      }
    }
    deliverReady(now, out);
  }

  @Override
  public void onCatchUpReply(Message.CatchUpReply reply, long now, Outbox out) {
    long before = nextSlot;
    long slot = reply.firstSlot();
    for (Value value : reply.values()) {
      if (slot >= nextSlot) {
        markChosen(slot, value, TRUSTED);
      }
      slot++;
    }
    chosenBelow = Math.max(chosenBelow, slot);
    deliverReady(now, out);
    // A reply cut short (by maxMessageBytes, or maxSlotsPerMessage) that brought progress: ask the
    // same peer for the rest now rather than at the next retransmit interval, so catching up runs
    // at the network's pace. Only progress asks again, so duplicated replies add no requests.
    if (nextSlot > before && chosenBelow > nextSlot && reply.from() != id) {
      out.send(
          reply.from(), new Message.CatchUpRequest(id, nextSlot, options.maxSlotsPerMessage()));
    }
  }

  @Override
  public void tick(long now, Outbox out) {
    if (lastProgressAt == Long.MIN_VALUE) {
      lastProgressAt = now;
    }
    if (outside && chosenBelow <= nextSlot) {
      pollMembers(now, out);
      return;
    }
    if (chosenBelow <= nextSlot || now - lastProgressAt < options.retransmitMs()) {
      return;
    }
    lastProgressAt = now;
    stalledRounds++;
    int target = catchUpTarget();
    if (target != 0) {
      out.send(target, new Message.CatchUpRequest(id, nextSlot, options.maxSlotsPerMessage()));
    }
    if (target == 0 || stalledRounds >= 2) {
      queryAcceptors(out);
    }
  }

  /**
   * Ask every acceptor what it accepted in slots known chosen. Only slots below {@code chosenBelow}
   * are asked for, so every answer is given after its slot was chosen.
   */
  private void queryAcceptors(Outbox out) {
    queryId++;
    queryFrom = nextSlot;
    queryTo = Math.min(chosenBelow, nextSlot + options.maxSlotsPerMessage());
    queryAsked = queryTo;
    queryAnswered = 0;
    queryBest = new AcceptedEntry[(int) (queryTo - queryFrom)];
    out.send(acceptors, new Message.AcceptedQuery(id, queryId, queryFrom, queryTo));
  }

  /**
   * A chosen value was accepted by a phase-2 quorum in some ballot b, and every later ballot
   * proposes the same value; any {@code readQuorum} acceptors include one of that quorum, which
   * accepted b before it answered. So among their answers the entry of the highest ballot holds the
   * chosen value. An answer counts only for the range queried (an answer to an earlier query of the
   * same range, even from before a restart, was also given after those slots were chosen). An
   * acceptor whose entries do not fit one message ({@code maxMessageBytes}) answers for a shorter
   * range from the same first slot: the query narrows to it, which every answer counted so far
   * covers too.
   */
  @Override
  public void onAcceptedReport(Message.AcceptedReport report, long now, Outbox out) {
    int index = config.acceptorIndex(report.from());
    if (queryBest == null
        || index < 0
        || report.queryId() != queryId
        || report.fromSlot() != queryFrom
        || report.toSlot() <= queryFrom
        || report.toSlot() > queryAsked
        || (queryAnswered & (1L << index)) != 0) {
      return;
    }
    queryAnswered |= 1L << index;
    if (report.toSlot() < queryTo) {
      queryTo = report.toSlot();
      queryBest = Arrays.copyOf(queryBest, (int) (queryTo - queryFrom));
    }
    for (AcceptedEntry e : report.accepted()) {
      if (e.slot() >= queryFrom && e.slot() < queryTo && !ended(e.ballot())) {
        int i = (int) (e.slot() - queryFrom);
        if (queryBest[i] == null || e.ballot().isAbove(queryBest[i].ballot())) {
          queryBest[i] = e;
        }
      }
    }
    if (Long.bitCount(queryAnswered) >= readQuorum) {
      for (int i = 0; i < queryBest.length; i++) {
        if (queryBest[i] != null) {
          markChosen(queryFrom + i, queryBest[i].value(), queryBest[i].ballot().epoch());
        }
      }
      queryBest = null;
      deliverReady(now, out);
    }
  }

  /**
   * Outside its membership, a learner hears no commit point: it asks the members' learners in turn
   * for the log after its own, once per retransmit interval. A member that cannot serve it tells it
   * its commit point, from which it catches up as any learner does. The requests also tell a leader
   * how far a joining node has caught up (R7).
   */
  private void pollMembers(long now, Outbox out) {
    if (peers.length == 0
        || (lastPollAt != Long.MIN_VALUE && now - lastPollAt < options.retransmitMs())) {
      return;
    }
    lastPollAt = now;
    out.send(
        peers[Math.floorMod(nextPeer++, peers.length)],
        new Message.CatchUpRequest(id, nextSlot, options.maxSlotsPerMessage()));
  }

  /** Peers in turn, and the leader every other time (it holds recently chosen values too). */
  private int catchUpTarget() {
    int leader = leaderHint.getAsInt();
    int turn = nextPeer++;
    if (peers.length == 0 || (turn % 2 == 1 && leader != 0 && leader != id)) {
      return leader == id ? 0 : leader;
    }
    return peers[(turn / 2) % peers.length];
  }

  @Override
  public void installSnapshot(long slot, long now) {
    if (slot < nextSlot) {
      return;
    }
    nextSlot = slot + 1;
    chosenBelow = Math.max(chosenBelow, nextSlot);
    chosen.advanceTo(nextSlot);
    slots.advanceTo(nextSlot);
    retained.advanceTo(nextSlot);
    queryBest = null;
    lastProgressAt = now;
    stalledRounds = 0;
  }

  @Override
  public Optional<Value> delivered(long slot) {
    return slot < nextSlot ? Optional.ofNullable(retained.get(slot)) : Optional.empty();
  }

  /** Answer a peer's catch-up request with the delivered values this learner retains. */
  public List<Value> deliveredFrom(long fromSlot, int maxSlots) {
    java.util.ArrayList<Value> values = new java.util.ArrayList<>();
    for (long s = fromSlot; s < nextSlot && values.size() < maxSlots; s++) {
      Value v = retained.get(s);
      if (v == null) {
        break;
      }
      values.add(v);
    }
    return values;
  }

  private SlotState state(long slot) {
    SlotState s = slots.get(slot);
    if (s == null) {
      s = new SlotState();
      slots.put(slot, s);
    }
    return s;
  }

  private void markChosen(long slot, Value value, int epoch) {
    if (slot >= nextSlot && chosen.get(slot) == null) {
      chosen.put(slot, new Chosen(value, epoch));
    }
  }

  private void deliverReady(long now, Outbox out) {
    long before = nextSlot;
    Value value;
    Chosen c;
    while ((c = chosen.get(nextSlot)) != null) {
      value = c.value();
      out.deliver(nextSlot, value);
      // Kept until a snapshot covers it: one array, not a list of commands.
      retained.put(nextSlot, value.packed());
      Optional<Membership> next = membership.after(nextSlot, value);
      nextSlot++;
      if (next.isPresent()) {
        // The epoch ended at the slot just delivered: what the ended epoch told this learner of
        // later slots may be void. Forget it, and go on with what the new epoch told it.
        use(next.get());
        forgetUndelivered();
      }
    }
    if (nextSlot != before) {
      lastProgressAt = now;
      stalledRounds = 0;
      chosenBelow = Math.max(chosenBelow, nextSlot);
      chosen.advanceTo(nextSlot);
      slots.advanceTo(nextSlot);
      retained.advanceTo(nextSlot - options.retainedSlots());
    }
  }
}
