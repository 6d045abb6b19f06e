package io.paxos.core.sim;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Proposer;
import io.paxos.core.protocol.Value;
import java.util.Optional;

/**
 * MUTANT, for tests only: the library's proposer, but it ignores that a {@code Promise} reports
 * from a later slot than its {@code Prepare} asked (the acceptor compacted the slots below), so a
 * new leader fills those chosen slots, whose entries are gone, with no-ops (PITFALLS #18).
 */
final class CompactionBlindProposer implements Proposer {
  private final Proposer delegate;

  CompactionBlindProposer(Proposer delegate) {
    this.delegate = delegate;
  }

  @Override
  public void onPromise(Message.Promise promise, long now, Outbox out) {
    delegate.onPromise(
        new Message.Promise(promise.from(), promise.ballot(), 1, promise.accepted()), now, out);
  }

  @Override
  public boolean isLeader() {
    return delegate.isLeader();
  }

  @Override
  public int leaderHint() {
    return delegate.leaderHint();
  }

  @Override
  public Ballot ballot() {
    return delegate.ballot();
  }

  @Override
  public void tick(long now, Outbox out) {
    delegate.tick(now, out);
  }

  @Override
  public void propose(Command command, long now, Outbox out) {
    delegate.propose(command, now, out);
  }

  @Override
  public void flush(long now, Outbox out) {
    delegate.flush(now, out);
  }

  @Override
  public void onAccepted(Message.Accepted accepted, long now, Outbox out) {
    delegate.onAccepted(accepted, now, out);
  }

  @Override
  public void onNack(Message.Nack nack, long now, Outbox out) {
    delegate.onNack(nack, now, out);
  }

  @Override
  public void onHeartbeatAck(Message.HeartbeatAck ack, long now, Outbox out) {
    delegate.onHeartbeatAck(ack, now, out);
  }

  @Override
  public void onLeaderMessage(Ballot ballot, long commitSlot, long now, Outbox out) {
    delegate.onLeaderMessage(ballot, commitSlot, now, out);
  }

  @Override
  public void onChosenPrefix(long slot) {
    delegate.onChosenPrefix(slot);
  }

  @Override
  public void requestReadIndex(int origin, long readId, long now, Outbox out) {
    delegate.requestReadIndex(origin, readId, now, out);
  }

  @Override
  public Optional<Value> chosenValue(long slot) {
    return delegate.chosenValue(slot);
  }
}
