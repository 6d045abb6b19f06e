package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * The library's proposer: Multi-Paxos with one phase 1 per leadership and pipelined phase 2.
 *
 * <ul>
 *   <li><b>Election.</b> A follower that hears no leader for a randomized election timeout starts
 *       phase 1 with a round above every ballot it has seen, persisting the round first. A proposer
 *       that hears a live leader does not campaign.
 *   <li><b>Phase 1</b> covers every slot from the first one not known chosen. With a quorum of
 *       promises the new leader re-proposes, in every slot up to the highest one reported, the
 *       value of the highest ballot reported, and fills the rest with no-ops, before any new
 *       command.
 *   <li><b>Phase 2</b> batches queued commands into slots, up to {@code window} slots beyond the
 *       commit point, several slots per {@code Accept}. A slot is chosen when a phase-2 quorum
 *       accepted it in this leader's ballot; the commit point rides on the next {@code Accept},
 *       {@code Commit} or heartbeat.
 *   <li><b>Step-down.</b> A {@code Nack} or a higher leader's message makes the proposer a
 *       follower; so does losing touch with a phase-2 quorum for an election timeout. Queued
 *       commands go back unproposed. Commands already in a slot that is not known chosen stay
 *       <em>unresolved</em>: another leader may still choose them there. Each is proposed in that
 *       one slot only, so once the slot is learned chosen with a value without it (from this node's
 *       learner, this proposer's own later leadership, or a catch-up reply), it is known not chosen
 *       and goes back unproposed too, instead of waiting for the client's timeout.
 *   <li><b>Leader priority</b> (when members have priorities; docs/leader-priority.md). A proposer
 *       waits one extra maximum election timeout for each distinct priority of proposers above its
 *       own, so the highest live one campaigns first. A follower of higher priority than the leader
 *       answers its heartbeats with a {@code PriorityClaim} once it knows chosen every slot the
 *       heartbeat said was; the leader then proposes no new slot until all it proposed are chosen
 *       and a claim shows the follower has them too, and steps down: it stops heartbeating, and the
 *       highest live proposer, whose election timeout is the shortest, campaigns first. A hand-over
 *       is an ordinary new ballot.
 *   <li><b>Reads.</b> A read index is the next slot to propose, once a heartbeat sent after the
 *       read arrived is acknowledged by a phase-2 quorum; with leases on, a lease read gets it
 *       without that round trip while the leader's lease holds ({@link LeaderLease},
 *       docs/leases.md), and waits for the round otherwise.
 * </ul>
 *
 * <p>Not thread-safe; see {@link Proposer}.
 */
public final class DefaultProposer implements Proposer {
  /**
   * A leader proposes a new slot while the values of the slots not yet chosen fill less than this
   * many messages ({@code maxMessageBytes} each), and {@code window} allows: what is in flight is
   * at most this much plus one slot.
   */
  public static final int IN_FLIGHT_MESSAGES = 4;

  private enum State {
    FOLLOWER,
    CANDIDATE,
    LEADER
  }

  private final int id;
  private final ProtocolOptions options;
  private final RandomGenerator random;
  // Whom this proposer talks to in its membership's epoch (docs/membership.md).
  private EpochMembers members;
  // The change of membership proposed here and not yet in a slot, the slot of the change in
  // flight (NONE if none: R1, nothing is proposed after it), and the membership it started once
  // chosen.
  private Value.Reconfigure pendingChange;
  private long changeSlot = NONE;
  private Membership ended;
  // Leader priority: the wait before campaigning, the claims and the hand-over.
  private PriorityHandOver priority;
  private static final long NONE = Long.MIN_VALUE;

  private State state = State.FOLLOWER;
  private Ballot ballot = Ballot.ZERO;
  // The highest ballot of another proposer seen (in a leader's message or a Nack). Own ballots are
  // covered by maxRound; counting them here would make a proposer ignore the live leader that
  // refused its campaign, and campaign again and again.
  private Ballot highestSeen = Ballot.ZERO;
  private Ballot leaderBallot = Ballot.ZERO;
  private long maxRound;
  private int leaderHint;
  private long electionDeadline = Long.MIN_VALUE;
  private boolean campaignsStopped;
  private long knownChosen = 1;

  // Candidate.
  private PromiseTally promises;

  // Leader.
  private long leaderSince;
  private long commitIndex;
  private long nextSlot;
  private long unsentFrom;
  private long commitSent;
  private final InFlightSlots slots;
  private final ProposalQueue queue;
  private final CommandIntake intake;
  private long lastHeartbeatAt;
  private long heartbeatSequence;
  private AcceptorContact contact;
  private final LeaderReads reads;
  private final LeaderLease lease;

  // Slots whose commands' outcome this proposer lost when it stepped down.
  private final UnresolvedSlots unresolved;

  public DefaultProposer(
      int id,
      ClusterConfig config,
      ProtocolOptions options,
      RandomGenerator random,
      DurableState state) {
    this.id = id;
    this.options = options;
    this.random = random;
    use(Membership.initial(config));
    this.maxRound = state.maxRound();
    // The most bytes of values one Accept carries, and of commands one batch holds.
    long valueBudget = (long) options.maxMessageBytes() - MessageBytes.MESSAGE_OVERHEAD;
    this.slots = new InFlightSlots(id, options, valueBudget);
    int maxQueued = Math.max(65_536, options.maxBatchCommands() * 16);
    this.intake = new CommandIntake(id, state.maxRound(), maxQueued);
    this.queue = new ProposalQueue(options, maxQueued, valueBudget);
    this.unresolved = new UnresolvedSlots(Math.max(1024, options.window() * 4));
    this.knownChosen = state.nextChosenSlot();
    this.lease = new LeaderLease(options.leaseHoldMs());
    this.reads = new LeaderReads(id);
  }

  /** Take the members of {@code membership}: its acceptors, learners, quorums and priorities. */
  private void use(Membership membership) {
    members = EpochMembers.of(id, membership);
    contact = new AcceptorContact(members.acceptors().length, members.config().phase2Quorum());
    promises = new PromiseTally(members.config(), members.acceptors().length);
    priority = new PriorityHandOver(id, members.config(), options);
  }

  @Override
  public boolean isLeader() {
    return state == State.LEADER;
  }

  @Override
  public int leaderHint() {
    return leaderHint;
  }

  @Override
  public Ballot ballot() {
    return ballot;
  }

  @Override
  public boolean campaignsStopped() {
    return campaignsStopped;
  }

  /** Every slot below this is chosen in this leader's view (leaders only; 0 otherwise). */
  public long commitIndex() {
    return state == State.LEADER ? commitIndex : 0;
  }

  @Override
  public void tick(long now, Outbox out) {
    if (electionDeadline == Long.MIN_VALUE) {
      electionDeadline = now + electionTimeout();
    }
    if (state == State.LEADER) {
      leaderTick(now, out);
    } else if (now >= electionDeadline && !campaignsStopped && members.proposes()) {
      startPhase1(now, out);
    }
    requestUnresolved(now, out);
  }

  /**
   * A proposer without a learner at its node asks the learners for the values of its unresolved
   * slots once they are known chosen.
   */
  private void requestUnresolved(long now, Outbox out) {
    if (!members.hasLearner(id)) {
      unresolved.requestChosen(id, members.learners(), knownChosen, now, options, out);
    }
  }

  private void leaderTick(long now, Outbox out) {
    priority.onLeaderTick(now);
    if (now - lastHeartbeatAt >= options.heartbeatIntervalMs()) {
      sendHeartbeat(now, out);
    }
    if (now - leaderSince >= options.electionTimeoutMinMs()
        && !contact.quorumWithin(now, options.electionTimeoutMinMs())) {
      stepDown(Ballot.ZERO, now, out);
      return;
    }
    slots.retransmit(commitIndex, unsentFrom, members.acceptors(), ballot, now, out);
  }

  private void sendHeartbeat(long now, Outbox out) {
    heartbeatSequence++;
    out.send(members.everyone(), new Message.Heartbeat(id, ballot, commitIndex, heartbeatSequence));
    lease.sent(heartbeatSequence, now);
    lastHeartbeatAt = now;
    commitSent = Math.max(commitSent, commitIndex);
  }

  /** The election timeout from now: random, plus the wait of this proposer's priority. */
  private long electionTimeout() {
    return randomTimeout() + priority.campaignDelay();
  }

  private long randomTimeout() {
    long min = options.electionTimeoutMinMs();
    return min + random.nextLong(options.electionTimeoutMaxMs() - min + 1);
  }

  private void startPhase1(long now, Outbox out) {
    long highest = Math.max(highestSeen.round(), maxRound);
    if (highest >= Ballot.MAX_ROUND) {
      // No round above it may be issued (peers refuse rounds above the maximum): campaign no more,
      // rather than overflow. The runtime reports it once (campaignsStopped).
      campaignsStopped = true;
      electionDeadline = Long.MAX_VALUE;
      return;
    }
    long round = highest + 1;
    maxRound = round;
    out.persistRound(round);
    ballot = new Ballot(members.epoch(), round, id);
    state = State.CANDIDATE;
    priority.onCampaign();
    leaderHint = 0;
    promises.start(Math.max(knownChosen, members.membership().firstSlot()));
    out.send(members.acceptors(), new Message.Prepare(id, ballot, promises.prepareFrom()));
    electionDeadline = now + electionTimeout();
  }

  @Override
  public void onPromise(Message.Promise promise, long now, Outbox out) {
    if (state != State.CANDIDATE || !promise.ballot().equals(ballot)) {
      return;
    }
    if (promises.onPromise(promise, id, ballot, out)) {
      becomeLeader(now, out);
    }
  }

  private void becomeLeader(long now, Outbox out) {
    state = State.LEADER;
    leaderHint = id;
    leaderBallot = ballot;
    leaderSince = now;
    // Not below the slots an acceptor compacted (see PromiseTally#firstSlot).
    long first = promises.firstSlot();
    knownChosen = Math.max(knownChosen, first);
    commitIndex = first;
    commitSent = 0;
    slots.reset(first);
    long last = promises.lastSlot();
    Set<Command> inHand = new HashSet<>();
    changeSlot = NONE;
    for (long s = first; s <= last; s++) {
      Value value = promises.value(s);
      for (Command c : value.commands()) {
        if (intake.reproposed(c)) {
          inHand.add(c);
        }
      }
      slots.add(s, value);
      if (members.membership().after(s, value).isPresent()) {
        // R1: a change of membership ends the epoch; whatever was reported after it is void.
        changeSlot = s;
        last = s;
      }
    }
    // A re-proposed command is in hand: a copy already queued here (a duplicated Forward, maybe
    // received before a restart made this proposer forget the first one) must not take a slot too.
    queue.removeInHand(inHand);
    promises.clear();
    nextSlot = last + 1;
    unsentFrom = first;
    contact.reset(now);
    lease.reset();
    priority.onLeading();
    sendHeartbeat(now, out);
  }

  @Override
  public void propose(Command command, long now, Outbox out) {
    take(command, intake.admit(command), out);
  }

  @Override
  public void proposeForwarded(Command command, Ballot leaderBallot, long now, Outbox out) {
    take(command, intake.admitForwarded(command, leaderBallot), out);
  }

  private void take(Command command, CommandIntake.Verdict verdict, Outbox out) {
    if (verdict == CommandIntake.Verdict.DUPLICATE) {
      return;
    } else if (verdict == CommandIntake.Verdict.OUTCOME_UNKNOWN) {
      out.abandon(List.of(command), Outbox.Rejection.OUTCOME_UNKNOWN, leaderHint);
    } else if (state == State.FOLLOWER) {
      out.abandon(List.of(command), Outbox.Rejection.NOT_LEADER, leaderHint);
    } else if (!queue.offer(command)) {
      out.abandon(List.of(command), Outbox.Rejection.OVERLOADED, leaderHint);
    }
  }

  @Override
  public Ballot leaderBallot() {
    return state == State.LEADER ? ballot : leaderBallot;
  }

  @Override
  public void flush(long now, Outbox out) {
    if (state != State.LEADER) {
      return;
    }
    while (!queue.isEmpty()
        && changeSlot == NONE
        && !priority.draining()
        && nextSlot - commitIndex < options.window()
        && (slots.belowBudget() || nextSlot == commitIndex)) {
      slots.add(nextSlot++, queue.nextBatch());
    }
    if (pendingChange != null && changeSlot == NONE && nextSlot - commitIndex < options.window()) {
      // R1: the change is the epoch's last slot; nothing is proposed after it.
      changeSlot = nextSlot;
      slots.add(nextSlot++, pendingChange);
      pendingChange = null;
    }
    if (unsentFrom < nextSlot) {
      slots.sendAccepts(
          unsentFrom, nextSlot, members.acceptTargets(), ballot, commitIndex, now, out);
      unsentFrom = nextSlot;
      commitSent = Math.max(commitSent, commitIndex);
    } else if (commitIndex > commitSent) {
      out.send(members.learners(), new Message.Commit(id, ballot, commitIndex));
      commitSent = commitIndex;
    }
    // A leader whose epoch is ending serves no read from its lease (docs/membership.md).
    boolean leaseHolds = lease.holds(now) && changeSlot == NONE;
    reads.serveLeaseReads(leaseHolds, nextSlot, heartbeatSequence + 1, leaderHint, out);
    if (reads.takeRoundWanted()) {
      sendHeartbeat(now, out);
    }
  }

  @Override
  public void onAccepted(Message.Accepted accepted, long now, Outbox out) {
    if (state != State.LEADER || !accepted.ballot().equals(ballot)) {
      return;
    }
    int index = members.config().acceptorIndex(accepted.from());
    if (index < 0) {
      return;
    }
    long bit = 1L << index;
    contact.heard(index, now);
    long end = Math.min(accepted.firstSlot() + accepted.count(), unsentFrom);
    slots.vote(
        Math.max(accepted.firstSlot(), commitIndex), end, bit, members.config().phase2Quorum());
    while (commitIndex < unsentFrom) {
      Value chosen = slots.takeChosen(commitIndex);
      if (chosen == null) {
        break;
      }
      resolve(commitIndex, chosen, out);
      if (commitIndex == changeSlot) {
        ended = members.membership().after(commitIndex, chosen).orElseThrow();
      }
      commitIndex++;
    }
    slots.advanceTo(commitIndex);
    knownChosen = Math.max(knownChosen, commitIndex);
  }

  @Override
  public void onNack(Message.Nack nack, long now, Outbox out) {
    highestSeen = Ballot.max(highestSeen, nack.promised());
    if (state == State.FOLLOWER || !nack.rejected().equals(ballot)) {
      return;
    }
    if (state == State.CANDIDATE || nack.promised().isAbove(ballot)) {
      stepDown(nack.promised(), now, out);
    }
  }

  @Override
  public void onHeartbeatAck(Message.HeartbeatAck ack, long now, Outbox out) {
    if (state != State.LEADER || !ack.ballot().equals(ballot)) {
      return;
    }
    int index = members.config().acceptorIndex(ack.from());
    if (index < 0) {
      return;
    }
    contact.acked(index, ack.sequence(), now);
    if (contact.confirmed(ack.sequence())) {
      lease.confirmed(ack.sequence());
    }
    reads.answerConfirmed(contact::confirmed, leaderHint, out);
  }

  @Override
  public void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out) {
    if (state == State.FOLLOWER) {
      priority.onHeartbeat(heartbeat, leaderBallot, knownChosen, out);
    }
  }

  @Override
  public void onPriorityClaim(Message.PriorityClaim claim, long now, Outbox out) {
    if (state == State.LEADER && priority.onClaim(claim, ballot, commitIndex, nextSlot, now)) {
      handOver(now, out);
    }
  }

  /**
   * Step down for a proposer of higher priority that knows every slot this leader chose: tell the
   * learners the final commit point and stop heartbeating. Nothing is in flight, so no command's
   * outcome becomes unknown; the highest live proposer campaigns first (its timeout is shortest).
   */
  private void handOver(long now, Outbox out) {
    if (commitIndex > commitSent) {
      out.send(members.learners(), new Message.Commit(id, ballot, commitIndex));
      commitSent = commitIndex;
    }
    stepDown(Ballot.ZERO, now, out);
    priority.markHandedOver();
  }

  @Override
  public boolean handedOver() {
    return priority.handedOver();
  }

  @Override
  public void onLeaderMessage(Ballot leader, long commitSlot, long now, Outbox out) {
    if (leader.epoch() < members.epoch()) {
      return; // a leader of an ended epoch: nothing it says counts any more (R4)
    }
    knownChosen = Math.max(knownChosen, commitSlot);
    if (leader.nodeId() == id) {
      return;
    }
    highestSeen = Ballot.max(highestSeen, leader);
    if (state != State.FOLLOWER && leader.isAbove(ballot)) {
      stepDown(leader, now, out);
    }
    if (state == State.FOLLOWER && leader.isAtLeast(leaderBallot)) {
      // A live leader: do not campaign while it is heard (even if an earlier campaign of ours
      // used a higher ballot and failed).
      leaderBallot = leader;
      leaderHint = leader.nodeId();
      electionDeadline = now + electionTimeout();
    }
  }

  /** Become a follower of {@code leader} (the ballot that beat ours; ZERO if none is known). */
  private void stepDown(Ballot leader, long now, Outbox out) {
    int hint = leader.nodeId();
    if (state == State.LEADER) {
      slots.keepUnresolved(commitIndex, nextSlot, unresolved);
      // Their callers may send them again at once, deduplicated; a slot no acceptor accepted
      // would otherwise keep them waiting until the next leader's next command decides it.
      List<Command> sessions = unresolved.takeInSession();
      if (!sessions.isEmpty()) {
        out.abandon(sessions, Outbox.Rejection.OUTCOME_UNKNOWN, hint);
      }
    }
    state = State.FOLLOWER;
    leaderBallot = leader;
    leaderHint = hint;
    out.abandon(queue.drain(), Outbox.Rejection.NOT_LEADER, hint);
    reads.refuseAll(hint, out);
    lease.reset();
    pendingChange = null;
    changeSlot = NONE;
    priority.onStepDown();
    slots.reset(1);
    electionDeadline = now + electionTimeout();
  }

  /**
   * {@code slot} is chosen with {@code value}: the commands this proposer proposed there that are
   * not in it were not chosen (they were proposed in that slot only), so they go back unproposed.
   */
  private void resolve(long slot, Value value, Outbox out) {
    List<Command> lost = unresolved.resolve(slot, value);
    if (!lost.isEmpty()) {
      out.abandon(lost, Outbox.Rejection.NOT_LEADER, leaderHint);
    }
  }

  @Override
  public void onChosen(long slot, Value value, Outbox out) {
    if (unresolved.isEmpty()) {
      return;
    }
    // Slots below were delivered before (and resolved then) or skipped: forget them.
    unresolved.forgetBelow(slot);
    resolve(slot, value, out);
  }

  @Override
  public void onCatchUpReply(Message.CatchUpReply reply, Outbox out) {
    long slot = reply.firstSlot();
    for (Value value : reply.values()) {
      resolve(slot++, value, out);
    }
  }

  @Override
  public void onChosenPrefix(long slot) {
    knownChosen = Math.max(knownChosen, slot);
  }

  @Override
  public void requestReadIndex(int origin, long readId, long now, Outbox out) {
    if (state != State.LEADER || changeSlot != NONE) {
      reads.answer(origin, readId, false, 0, leaderHint, out);
      return;
    }
    reads.awaitRound(origin, readId, nextSlot, heartbeatSequence + 1);
  }

  @Override
  public void requestLeaseRead(int origin, long readId, long now, Outbox out) {
    if (!options.leasesOn()) {
      requestReadIndex(origin, readId, now, out);
    } else if (state != State.LEADER || changeSlot != NONE) {
      reads.answer(origin, readId, false, 0, leaderHint, out);
    } else {
      reads.arrivedLeaseRead(origin, readId);
    }
  }

  @Override
  public Optional<String> proposeMembership(ClusterConfig next) {
    if (state != State.LEADER) {
      return Optional.of("not the leader");
    }
    if (pendingChange != null || changeSlot != NONE || ended != null) {
      return Optional.of("a membership change is in flight; retry once it has taken effect");
    }
    Optional<String> invalid = members.membership().changeRefusal(next);
    if (invalid.isPresent()) {
      return invalid;
    }
    pendingChange = new Value.Reconfigure(members.epoch() + 1, next);
    return Optional.empty();
  }

  @Override
  public Optional<Membership> endedEpoch() {
    return Optional.ofNullable(ended);
  }

  @Override
  public void adoptMembership(Membership next, long now, Outbox out) {
    if (next.epoch() <= members.epoch()) {
      return;
    }
    boolean wasLeader = state == State.LEADER;
    if (wasLeader && commitIndex > commitSent) {
      // The ended epoch's last commit point, which no later message of this leader would carry:
      // without it, learners of that epoch that missed the change would not know to catch up.
      out.send(members.everyone(), new Message.Commit(id, ballot, commitIndex));
    }
    if (state != State.FOLLOWER) {
      stepDown(Ballot.ZERO, now, out);
    }
    use(next);
    ended = null;
    leaderBallot = Ballot.ZERO;
    leaderHint = 0;
    knownChosen = Math.max(knownChosen, next.firstSlot());
    // The leader that ended the epoch knows first: it campaigns in the new one at once, if it is a
    // proposer there; the others wait as after any leader's loss.
    if (electionDeadline != Long.MIN_VALUE) { // not before the first tick, which sets it
      electionDeadline = wasLeader ? now : now + electionTimeout();
    }
  }

  @Override
  public Optional<Value> chosenValue(long slot) {
    return Optional.ofNullable(slots.chosenValue(slot));
  }
}
