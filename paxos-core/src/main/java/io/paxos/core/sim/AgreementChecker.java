package io.paxos.core.sim;

import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Agreement: no two learners ever deliver different values for one slot, also across restarts (a
 * restarted learner that delivers a slot again must deliver the same value). Not thread-safe.
 */
public final class AgreementChecker {
  private final List<Value> values = new ArrayList<>();
  private final List<Integer> firstLearner = new ArrayList<>();

  /** A learner delivered {@code value} at {@code slot}. */
  public void onDeliver(int learner, long slot, Value value) {
    if (slot < 1 || slot > Integer.MAX_VALUE) {
      throw new InvariantViolation(
          InvariantViolation.AGREEMENT, "learner " + learner + " delivered slot " + slot);
    }
    int index = (int) slot - 1;
    while (values.size() <= index) {
      values.add(null);
      firstLearner.add(0);
    }
    Value known = values.get(index);
    if (known == null) {
      values.set(index, value);
      firstLearner.set(index, learner);
    } else if (known != value && !known.equals(value)) {
      throw new InvariantViolation(
          InvariantViolation.AGREEMENT,
          "slot "
              + slot
              + ": learner "
              + firstLearner.get(index)
              + " delivered "
              + known
              + " but learner "
              + learner
              + " delivered "
              + value);
    }
  }

  /**
   * The values of slots {@code 1..through}, as delivered: what a snapshot covering {@code through}
   * holds (every one of them was delivered by the learner that took the snapshot).
   */
  public List<Value> prefix(long through) {
    List<Value> prefix = values.subList(0, (int) through);
    if (prefix.contains(null)) {
      throw new InvariantViolation(
          InvariantViolation.AGREEMENT,
          "a snapshot covers slot " + through + " but some slot below it was never delivered");
    }
    return List.copyOf(prefix);
  }

  /** The value some learner delivered at {@code slot}, or null if none did (yet). */
  public Value delivered(long slot) {
    return slot < 1 || slot > values.size() ? null : values.get((int) slot - 1);
  }

  /** The highest slot any learner delivered. */
  public long highestSlot() {
    return values.size();
  }
}
