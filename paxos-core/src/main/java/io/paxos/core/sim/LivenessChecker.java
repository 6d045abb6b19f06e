package io.paxos.core.sim;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * Liveness after the faults heal: every client request completes (one of its commands is
 * delivered), and every learner converges to the same delivered prefix, within a bounded simulated
 * time. Stateless; not thread-safe only in that its inputs must not change during a call.
 */
public final class LivenessChecker {
  private LivenessChecker() {}

  /** Whether every learner has delivered exactly the slots below the same next slot. */
  public static boolean converged(SortedMap<Integer, Long> learnerNextSlots, long highestSlot) {
    for (long next : learnerNextSlots.values()) {
      if (next != highestSlot + 1) {
        return false;
      }
    }
    return true;
  }

  /**
   * Called when the bound has passed: throws unless every request completed and every learner
   * delivered the slots below {@code highestSlot + 1}.
   *
   * @param incompleteRequests a description of each request that has not completed
   * @param learnerNextSlots each learner's next slot to deliver
   * @param highestSlot the highest slot any learner delivered
   */
  public static void check(
      long healedAt,
      long now,
      List<String> incompleteRequests,
      SortedMap<Integer, Long> learnerNextSlots,
      long highestSlot) {
    if (incompleteRequests.isEmpty() && converged(learnerNextSlots, highestSlot)) {
      return;
    }
    StringBuilder b =
        new StringBuilder("faults healed at ")
            .append(healedAt)
            .append(" ms, yet at ")
            .append(now)
            .append(" ms ");
    if (!incompleteRequests.isEmpty()) {
      b.append(incompleteRequests.size())
          .append(" requests are incomplete, e.g. ")
          .append(incompleteRequests.subList(0, Math.min(5, incompleteRequests.size())))
          .append("; ");
    }
    b.append("learners' next slots: ");
    for (Map.Entry<Integer, Long> e : learnerNextSlots.entrySet()) {
      b.append(e.getKey()).append('=').append(e.getValue()).append(' ');
    }
    b.append("(highest delivered slot ").append(highestSlot).append(')');
    throw new InvariantViolation(InvariantViolation.LIVENESS, b.toString());
  }
}
