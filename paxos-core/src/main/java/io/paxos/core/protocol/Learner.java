package io.paxos.core.protocol;

import java.util.Optional;

/**
 * The learner role: finds out which value each slot chose and delivers them in slot order, each
 * exactly once, with no gaps ({@link Outbox#deliver}). A learner that knows a slot is chosen but
 * lacks its value fetches it from a peer (catch-up).
 *
 * <p>Deterministic and single-threaded, like every role.
 */
public interface Learner {

  /** The next slot to deliver: every slot below it has been delivered. */
  long nextSlot();

  /**
   * Every slot below this one is known to be chosen, whether or not this learner holds its value
   * yet (at least {@link #nextSlot()}): for status reports.
   */
  default long chosenBelow() {
    return nextSlot();
  }

  /** A value proposed in {@code accept}'s ballot, and the commit point it carries. */
  void onAccept(Message.Accept accept, long now, Outbox out);

  /** An acceptor's vote, when acceptors send {@code Accepted} to learners. */
  void onAccepted(Message.Accepted accepted, long now, Outbox out);

  /**
   * Every slot below {@code commitSlot} is chosen; those proposed in {@code ballot} with its value.
   */
  void onCommit(Ballot ballot, long commitSlot, long now, Outbox out);

  void onCatchUpReply(Message.CatchUpReply reply, long now, Outbox out);

  /** An acceptor's answer to this learner's {@link Message.AcceptedQuery}. */
  void onAcceptedReport(Message.AcceptedReport report, long now, Outbox out);

  /**
   * A snapshot covering every slot through {@code slot} was installed: continue after it. Ignored
   * unless it is ahead of {@link #nextSlot()} (a learner never goes back).
   */
  void installSnapshot(long slot, long now);

  /** Ask a peer for chosen values this learner is missing, when it has waited long enough. */
  void tick(long now, Outbox out);

  /** The value delivered at {@code slot}, if this learner still retains it (to serve catch-up). */
  Optional<Value> delivered(long slot);

  /**
   * The membership of the slots from {@link #nextSlot()}: the one this learner started with, or the
   * last one an effective {@link Value.Reconfigure} it delivered started (docs/membership.md).
   */
  Membership membership();

  /**
   * Continue in {@code membership}, known from outside the delivered log (the state recovered at
   * start, or a snapshot that covers the change): ignored unless its epoch is above this learner's.
   */
  void adoptMembership(Membership membership);
}
