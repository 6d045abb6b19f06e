package io.paxos.core.sim;

import io.paxos.core.protocol.Outbox;
import java.util.HashMap;
import java.util.Map;

/**
 * A read index answered as good must cover every value chosen before the read was made: a read that
 * waits until its node has applied every slot below the index then sees every write acknowledged
 * before it began (linearizable reads, lease reads included). The checker records, in true time,
 * the highest slot chosen when each read is made ({@link ChosenChecker}'s ground truth, which no
 * node's clock affects) and requires the index to be above it. A leader that serves a read from a
 * lease that expired (its clock ran slow, it was deposed or paused) answers with an index below a
 * value a newer leader chose meanwhile. Not thread-safe.
 */
final class ReadIndexChecker {
  private final Map<Long, Long> chosenAtIssue = new HashMap<>();
  private long answered;

  /**
   * The read {@code readId} is made now, when every chosen slot is at most {@code highestChosen}.
   */
  void onIssue(long readId, long highestChosen) {
    chosenAtIssue.put(readId, highestChosen);
  }

  /** Node {@code node} answers a read it made. */
  void onAnswer(int node, Outbox.ReadIndex answer) {
    Long chosen = chosenAtIssue.remove(answer.readId());
    if (chosen == null || !answer.ok()) {
      return; // a duplicate answer, or a refusal (the client tries again)
    }
    answered++;
    if (answer.readIndex() <= chosen) {
      throw new InvariantViolation(
          InvariantViolation.STALE_READ_INDEX,
          "node "
              + node
              + " answered read "
              + Long.toHexString(answer.readId())
              + " with read index "
              + answer.readIndex()
              + ", but slot "
              + chosen
              + " was chosen before the read was made");
    }
  }

  /** How many reads were answered with a read index (and checked). */
  long answered() {
    return answered;
  }
}
