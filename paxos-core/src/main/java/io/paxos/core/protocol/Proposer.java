package io.paxos.core.protocol;

import java.util.List;
import java.util.Optional;

/**
 * The proposer role: elects itself leader with phase 1, then orders client commands into slots with
 * pipelined phase 2.
 *
 * <p>Deterministic and single-threaded, like every role: the host passes in the time and carries
 * out the {@link Outbox}. A proposer persists every round it starts ({@link Outbox#persistRound})
 * in the call that sends the {@code Prepare}, so no ballot is reused after a restart.
 */
public interface Proposer {

  boolean isLeader();

  /** The node this proposer believes leads (itself when it does), 0 if it knows none. */
  int leaderHint();

  /** The ballot this proposer leads or campaigns with, {@link Ballot#ZERO} if none yet. */
  Ballot ballot();

  /**
   * Whether this proposer stopped campaigning for good: a round above the highest it has seen would
   * pass {@link Ballot#MAX_ROUND} (it used or saw that round; only a forged message or a promise
   * written by a build without bounds can cause it). It still forwards commands to a leader it
   * hears of. False by default.
   */
  default boolean campaignsStopped() {
    return false;
  }

  /** Advance timers: heartbeats, retransmissions, elections, step-down. */
  void tick(long now, Outbox out);

  /**
   * Queue a command for the next slot (leaders and candidates only); hands it back through {@link
   * Outbox#abandon} if this proposer cannot propose it.
   */
  void propose(Command command, long now, Outbox out);

  /**
   * A command another node forwarded to this one as the leader of {@code leaderBallot} ({@link
   * Ballot#ZERO} if that node did not know the ballot). Like {@link #propose}, with one more duty:
   * a forwarded one-shot command may be a delayed copy of one this node received before it
   * restarted, and possibly proposed; it must not be handed back as not proposed unless this node
   * can tell that no earlier incarnation of it could have proposed the command; it goes back as
   * {@link Outbox.Rejection#OUTCOME_UNKNOWN} instead.
   *
   * <p>The default is safe for a proposer that keeps no such knowledge: it takes session commands
   * (the session table applies retries once) and answers every forwarded one-shot command with
   * {@code OUTCOME_UNKNOWN}. Override it to take them.
   */
  default void proposeForwarded(Command command, Ballot leaderBallot, long now, Outbox out) {
    if (command.inSession()) {
      propose(command, now, out);
    } else {
      out.abandon(List.of(command), Outbox.Rejection.OUTCOME_UNKNOWN, leaderHint());
    }
  }

  /**
   * The ballot of the leader this proposer believes in ({@link #leaderHint()}'s), its own when it
   * leads; {@link Ballot#ZERO} if it knows none. Sent with forwarded commands.
   */
  default Ballot leaderBallot() {
    return Ballot.ZERO;
  }

  /** Assign queued commands to slots and send what the inputs since the last flush produced. */
  void flush(long now, Outbox out);

  void onPromise(Message.Promise promise, long now, Outbox out);

  void onAccepted(Message.Accepted accepted, long now, Outbox out);

  void onNack(Message.Nack nack, long now, Outbox out);

  void onHeartbeatAck(Message.HeartbeatAck ack, long now, Outbox out);

  /**
   * Another node's leader heartbeat, after this node took it in (its learner has its commit point):
   * with leader priorities, a proposer of higher priority than the leader answers with a {@link
   * Message.PriorityClaim} once it has caught up (docs/leader-priority.md). Nothing by default.
   */
  default void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out) {}

  /**
   * A proposer of higher priority than this one claims leadership: a leader that it has caught up
   * with hands leadership over (docs/leader-priority.md). Ignored by default.
   */
  default void onPriorityClaim(Message.PriorityClaim claim, long now, Outbox out) {}

  /**
   * Whether this proposer last stopped leading to hand leadership over to a proposer of higher
   * priority (until it campaigns or follows another leader). False by default.
   */
  default boolean handedOver() {
    return false;
  }

  /**
   * Another node leads with {@code ballot} and reports every slot below {@code commitSlot} chosen
   * (from its {@code Accept}, {@code Commit} or {@code Heartbeat}).
   */
  void onLeaderMessage(Ballot ballot, long commitSlot, long now, Outbox out);

  /** Every slot below {@code slot} is known to be chosen (for example, learned by this node). */
  void onChosenPrefix(long slot);

  /**
   * This node's learner delivered {@code value} as chosen in {@code slot} (called for every
   * delivery, in slot order): a proposer may hand back, through {@link Outbox#abandon}, commands it
   * proposed in that slot before it stepped down, now known not chosen.
   */
  default void onChosen(long slot, Value value, Outbox out) {}

  /** Chosen values from a peer, answering a {@code CatchUpRequest} this proposer sent. */
  default void onCatchUpReply(Message.CatchUpReply reply, Outbox out) {}

  /**
   * Confirm leadership with a quorum, then answer with a read index through {@link
   * Outbox#readIndex} (for reads made at this node) or a {@code ReadIndexReply} to {@code origin}.
   */
  void requestReadIndex(int origin, long readId, long now, Outbox out);

  /**
   * A read that may be served from the leader's lease ({@code Consistency.LEASE}): answered, like
   * {@link #requestReadIndex}, with a read index, but without a round trip while the lease holds
   * (docs/leases.md). The default confirms leadership with a quorum, as {@link #requestReadIndex}
   * does.
   */
  default void requestLeaseRead(int origin, long readId, long now, Outbox out) {
    requestReadIndex(origin, readId, now, out);
  }

  /** The chosen value of {@code slot} if this proposer still holds it (to serve catch-up). */
  Optional<Value> chosenValue(long slot);

  /**
   * Propose that {@code next} become the membership of the next epoch (docs/membership.md): the
   * change takes the next slot, and nothing is proposed after it in this epoch.
   *
   * @return why it is refused (not the leader, a change in flight, an invalid membership); empty if
   *     it will be proposed
   */
  Optional<String> proposeMembership(io.paxos.core.config.ClusterConfig next);

  /**
   * The membership the change this leader committed started, if it committed one: for a node
   * without a learner, the only way it learns that its epoch ended.
   */
  Optional<Membership> endedEpoch();

  /**
   * The node moved to {@code next}, of a later epoch: step down if leading, take its members, and
   * campaign in it (at once if this proposer led the ended epoch) if it is one of its proposers.
   */
  void adoptMembership(Membership next, long now, Outbox out);
}
