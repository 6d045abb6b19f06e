package io.paxos.core.protocol;

import java.util.Arrays;

/**
 * What an acceptor on a node without a learner knows of the learners' durable snapshots: the
 * highest slot each learner announced ({@link Message.SnapshotDurable}), and from it the slot that
 * a majority of the learners cover. Announcements may come lost, duplicated, late or out of order:
 * only the highest per learner counts, so none of that moves the result backwards. Nothing here is
 * persisted; after a restart the learners announce again.
 *
 * <p>Not thread-safe; owned by its acceptor.
 */
final class LearnerSnapshots {
  private final int[] learners; // ascending
  private final long[] slots;

  LearnerSnapshots(int[] learners) {
    this.learners = learners.clone();
    Arrays.sort(this.learners);
    this.slots = new long[learners.length];
  }

  /**
   * Learner {@code learner} holds a durable snapshot through {@code slot}. Ignored from a node that
   * is no learner, and when it is not above what that learner announced before.
   */
  void announced(int learner, long slot) {
    int i = Arrays.binarySearch(learners, learner);
    if (i >= 0 && slot > slots[i]) {
      slots[i] = slot;
    }
  }

  /**
   * The highest slot that durable snapshots of a majority of the learners ({@code floor(L/2) + 1}
   * of them) cover, 0 if none: the {@code (floor(L/2) + 1)}-th highest announced slot. The slots
   * through it stay recoverable from a snapshot even if a minority of the learners lose theirs.
   */
  long coveredByMajority() {
    if (learners.length == 0) {
      return 0;
    }
    long[] sorted = slots.clone();
    Arrays.sort(sorted); // ascending: the majority-th highest is at index L - (L/2 + 1)
    return sorted[learners.length - (learners.length / 2 + 1)];
  }
}
