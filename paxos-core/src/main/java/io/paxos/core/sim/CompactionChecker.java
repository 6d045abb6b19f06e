package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.Arrays;
import java.util.function.IntToLongFunction;

/**
 * The compaction invariant (docs/pitfalls.md #18): an acceptor forgets only slots that are chosen
 * and covered by durable snapshots. After every step, each acceptor's compaction point is at most
 * the highest slot delivered anywhere (every slot up to it is chosen: learners deliver without
 * gaps), and at most
 *
 * <ul>
 *   <li>the slot of its node's newest durable snapshot, on a node that hosts a learner;
 *   <li>the slot that the newest durable snapshots of a majority of the learners ({@code floor(L/2)
 *       + 1} of them) cover, on a node that hosts no learner: what it drops stays recoverable from
 *       a snapshot even if a minority of the learners lose theirs.
 * </ul>
 *
 * <p>It also records how far acceptors on nodes without a learner compacted, so that a run can show
 * they do. Not thread-safe.
 */
public final class CompactionChecker {
  private final int[] learners;
  private final boolean[] isLearner;
  private long withoutLearnerCompactedThrough;

  public CompactionChecker(ClusterConfig config) {
    this(config, java.util.List.of());
  }

  /** With {@code joiners}, nodes outside the initial membership (their roles are their own). */
  public CompactionChecker(ClusterConfig config, java.util.List<Member> joiners) {
    this.learners = config.idsWith(Role.LEARNER);
    int maxId = Arrays.stream(config.ids()).max().orElse(0);
    for (Member j : joiners) {
      maxId = Math.max(maxId, j.id());
    }
    this.isLearner = new boolean[maxId + 1];
    for (int l : learners) {
      isLearner[l] = true;
    }
    for (Member j : joiners) {
      isLearner[j.id()] = j.has(Role.LEARNER);
    }
  }

  /**
   * After a step of node {@code node}, its acceptor is compacted through {@code compactedThrough};
   * {@code snapshotOf} gives the slot the newest durable snapshot of any node covers (0 if none);
   * learners delivered every slot through {@code chosenThrough}.
   */
  public void check(
      int node, long compactedThrough, IntToLongFunction snapshotOf, long chosenThrough) {
    if (compactedThrough > chosenThrough) {
      throw violation(
          node, compactedThrough, "only slots through " + chosenThrough + " are known chosen");
    }
    if (isLearner[node]) {
      long own = snapshotOf.applyAsLong(node);
      if (compactedThrough > own) {
        throw violation(
            node, compactedThrough, "its newest durable snapshot covers only slot " + own);
      }
      return;
    }
    long[] slots = new long[learners.length];
    for (int i = 0; i < learners.length; i++) {
      slots[i] = snapshotOf.applyAsLong(learners[i]);
    }
    long[] ascending = slots.clone();
    Arrays.sort(ascending);
    int majority = learners.length / 2 + 1;
    long covered = learners.length == 0 ? 0 : ascending[learners.length - majority];
    if (compactedThrough > covered) {
      throw violation(
          node,
          compactedThrough,
          "durable snapshots of "
              + majority
              + " of the "
              + learners.length
              + " learners "
              + Arrays.toString(learners)
              + " cover only slot "
              + covered
              + " (their snapshots: "
              + Arrays.toString(slots)
              + ")");
    }
    withoutLearnerCompactedThrough = Math.max(withoutLearnerCompactedThrough, compactedThrough);
  }

  /** The highest slot an acceptor on a node without a learner was seen compacted through. */
  public long withoutLearnerCompactedThrough() {
    return withoutLearnerCompactedThrough;
  }

  private static InvariantViolation violation(int node, long compactedThrough, String why) {
    return new InvariantViolation(
        InvariantViolation.COMPACTION,
        "acceptor " + node + " compacted through slot " + compactedThrough + " but " + why);
  }
}
