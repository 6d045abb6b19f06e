package io.paxos.core.sim;

import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Proposer;

/**
 * MUTANT, for tests only: the library's proposer, but it ignores that a {@code Promise} reports
 * from a later slot than its {@code Prepare} asked (the acceptor compacted the slots below), so a
 * new leader fills those chosen slots, whose entries are gone, with no-ops (docs/pitfalls.md #18).
 */
final class CompactionBlindProposer extends DelegatingProposer {
  CompactionBlindProposer(Proposer delegate) {
    super(delegate);
  }

  @Override
  public void onPromise(Message.Promise promise, long now, Outbox out) {
    super.onPromise(
        new Message.Promise(promise.from(), promise.ballot(), 1, promise.accepted()), now, out);
  }
}
