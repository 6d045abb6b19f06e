package io.paxos.core.sim;

import io.paxos.core.protocol.DefaultProposer;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;

/**
 * MUTANT, for tests only: the library's proposer, but while it believes it leads it answers a read
 * index at once, without the round of heartbeats that confirms a quorum still follows it. A leader
 * that was deposed (a partition, a pause) and has not noticed yet then serves linearizable reads
 * that miss writes the new leader already acknowledged (docs/linearizability.md).
 *
 * <p>Its read index is what the real one would answer after the round: every slot this leader has
 * proposed or knows chosen, so the broken rule is the missing confirmation alone.
 */
final class UnconfirmedReadProposer extends DelegatingProposer {
  private final DefaultProposer proposer;
  private final int id;
  private long proposedThrough;

  UnconfirmedReadProposer(int id, DefaultProposer proposer) {
    super(proposer);
    this.id = id;
    this.proposer = proposer;
  }

  @Override
  public void flush(long now, Outbox out) {
    super.flush(now, out);
    noteAccepts(out);
  }

  @Override
  public void requestReadIndex(int origin, long readId, long now, Outbox out) {
    if (!isLeader()) {
      super.requestReadIndex(origin, readId, now, out);
      return;
    }
    noteAccepts(out);
    long index = Math.max(proposer.commitIndex(), proposedThrough + 1);
    if (origin == id) {
      out.readIndex(new Outbox.ReadIndex(readId, true, index, id));
    } else {
      out.send(origin, new Message.ReadIndexReply(id, readId, true, index, id));
    }
  }

  /** Remember the highest slot this node's proposer sent an {@code Accept} for. */
  private void noteAccepts(Outbox out) {
    for (int i = 0; i < out.sendCount(); i++) {
      if (out.sendMessage(i) instanceof Message.Accept a && a.ballot().nodeId() == id) {
        proposedThrough = Math.max(proposedThrough, a.endSlot() - 1);
      }
    }
  }
}
