package io.paxos.core.sim;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Acceptor;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import java.util.Optional;

/**
 * MUTANT, for tests only: an acceptor on a node without a learner that compacts too early. It
 * compacts on the first snapshot announcement of any learner, not on the slot a majority of the
 * learners snapshotted ({@link Flavour#FIRST_ANNOUNCEMENT}), or, worse, through every slot it
 * accepted when any learner announces a snapshot, chosen or not ({@link Flavour#BEYOND_CHOSEN}).
 * Everything else is the correct acceptor it wraps, and the compaction is persisted as it should
 * be.
 */
final class HastyCompactingAcceptor implements Acceptor {
  enum Flavour {
    FIRST_ANNOUNCEMENT,
    BEYOND_CHOSEN
  }

  private final Acceptor delegate;
  private final Flavour flavour;
  private long highestAccepted;

  HastyCompactingAcceptor(Acceptor delegate, Flavour flavour) {
    this.delegate = delegate;
    this.flavour = flavour;
  }

  @Override
  public void onSnapshotDurable(Message.SnapshotDurable announcement, Outbox out) {
    // The broken rule: no majority of the learners (and, for BEYOND_CHOSEN, not even chosen).
    long through =
        flavour == Flavour.BEYOND_CHOSEN
            ? Math.max(announcement.slot(), highestAccepted)
            : announcement.slot();
    if (through > delegate.compactedThrough()) {
      delegate.compact(through);
      out.persistCompaction(through);
    }
  }

  @Override
  public void onAccept(Message.Accept accept, long now, Outbox out) {
    delegate.onAccept(accept, now, out);
    if (out.accepted().stream().anyMatch(e -> e.slot() >= accept.firstSlot())) {
      highestAccepted = Math.max(highestAccepted, accept.endSlot() - 1);
    }
  }

  @Override
  public Ballot promised() {
    return delegate.promised();
  }

  @Override
  public Optional<AcceptedEntry> accepted(long slot) {
    return delegate.accepted(slot);
  }

  @Override
  public long compactedThrough() {
    return delegate.compactedThrough();
  }

  @Override
  public void compact(long snapshotSlot) {
    delegate.compact(snapshotSlot);
  }

  @Override
  public void onPrepare(Message.Prepare prepare, long now, Outbox out) {
    delegate.onPrepare(prepare, now, out);
  }

  @Override
  public void onHeartbeat(Message.Heartbeat heartbeat, long now, Outbox out) {
    delegate.onHeartbeat(heartbeat, now, out);
  }

  @Override
  public void endTurn(long now) {
    delegate.endTurn(now);
  }

  @Override
  public void adoptMembership(io.paxos.core.protocol.Membership membership) {
    delegate.adoptMembership(membership);
  }
}
