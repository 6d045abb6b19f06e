package io.paxos.core.sim;

import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Proposer;
import java.util.List;

/**
 * MUTANT, for tests only: the library's proposer, but it never learns what the acceptors had
 * accepted, so a new leader does not re-propose accepted values ("Paxos Made Simple": the value of
 * the highest-numbered proposal among the responses) and fills those slots with no-ops or new
 * commands instead (docs/pitfalls.md #4, #5).
 */
final class ForgetfulProposer extends DelegatingProposer {
  ForgetfulProposer(Proposer delegate) {
    super(delegate);
  }

  @Override
  public void onPromise(Message.Promise promise, long now, Outbox out) {
    super.onPromise(
        new Message.Promise(promise.from(), promise.ballot(), promise.fromSlot(), List.of()),
        now,
        out);
  }
}
