package io.paxos.core.sim;

/**
 * The compaction invariant (PITFALLS #18): an acceptor forgets only slots that are chosen and
 * covered by a durable snapshot of its node. After every step, each acceptor's compaction point is
 * at most the highest slot delivered anywhere (every slot up to it is chosen: learners deliver
 * without gaps) and at most the slot of its node's newest durable snapshot. Not thread-safe.
 */
public final class CompactionChecker {

  /**
   * After a step of node {@code node}, its acceptor is compacted through {@code compactedThrough};
   * its newest durable snapshot covers {@code snapshotSlot} (0 if none); learners delivered every
   * slot through {@code chosenThrough}.
   */
  public void check(int node, long compactedThrough, long snapshotSlot, long chosenThrough) {
    if (compactedThrough > chosenThrough) {
      throw new InvariantViolation(
          InvariantViolation.COMPACTION,
          "acceptor "
              + node
              + " compacted through slot "
              + compactedThrough
              + " but only slots through "
              + chosenThrough
              + " are known chosen");
    }
    if (compactedThrough > snapshotSlot) {
      throw new InvariantViolation(
          InvariantViolation.COMPACTION,
          "acceptor "
              + node
              + " compacted through slot "
              + compactedThrough
              + " but its newest durable snapshot covers only slot "
              + snapshotSlot);
    }
  }
}
