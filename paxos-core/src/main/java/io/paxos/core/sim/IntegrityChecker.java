package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Integrity: each learner delivers slots consecutively from 1 with no gap and no repeat, and each
 * one-shot command (client id, sequence) appears at most once in the whole chosen sequence. A
 * session's command may appear again (its client retried it on purpose); {@link ExactlyOnceChecker}
 * checks that it is applied once.
 *
 * <p>A learner that restarts starts again after the chosen values it had made durable; it may
 * deliver again the slots it delivered but had not yet synced (its state machine is rebuilt from
 * the durable log too), never skip ahead. Slots it made durable but had not delivered when it
 * crashed are reported as delivered before the restart (see {@link #nextSlot}). Not thread-safe.
 */
public final class IntegrityChecker {
  private final Map<Integer, Long> next = new TreeMap<>();
  private final Map<CommandKey, Long> slotOf = new HashMap<>();

  /** A learner (re)starts and will deliver {@code firstSlot} next. */
  public void onStart(int learner, long firstSlot) {
    long expected = next.getOrDefault(learner, 1L);
    if (firstSlot > expected || firstSlot < 1) {
      throw new InvariantViolation(
          InvariantViolation.INTEGRITY,
          "learner "
              + learner
              + " restarts at slot "
              + firstSlot
              + " but had delivered only up to slot "
              + (expected - 1));
    }
    next.put(learner, firstSlot);
  }

  /** The slot {@code learner} is to deliver next: the one after the last it delivered. */
  public long nextSlot(int learner) {
    return next.getOrDefault(learner, 1L);
  }

  /**
   * A learner installed a snapshot covering every slot through {@code slot} and continues after it;
   * it never goes back.
   */
  public void onInstall(int learner, long slot) {
    long expected = next.getOrDefault(learner, 1L);
    if (slot + 1 < expected) {
      throw new InvariantViolation(
          InvariantViolation.INTEGRITY,
          "learner "
              + learner
              + " installed a snapshot of slot "
              + slot
              + " after delivering up to slot "
              + (expected - 1));
    }
    next.put(learner, slot + 1);
  }

  /** A learner delivered {@code value} at {@code slot}. */
  public void onDeliver(int learner, long slot, Value value) {
    long expected = next.getOrDefault(learner, 1L);
    if (slot != expected) {
      throw new InvariantViolation(
          InvariantViolation.INTEGRITY,
          "learner "
              + learner
              + " delivered slot "
              + slot
              + " but slot "
              + expected
              + " was next ("
              + (slot < expected ? "repeat" : "gap")
              + ")");
    }
    next.put(learner, slot + 1);
    Set<CommandKey> inValue = value.commands().size() > 1 ? new HashSet<>() : null;
    for (Command c : value.commands()) {
      if (c.inSession()) {
        continue;
      }
      CommandKey key = CommandKey.of(c);
      if (inValue != null && !inValue.add(key)) {
        throw new InvariantViolation(
            InvariantViolation.INTEGRITY, "command " + c + " appears twice in slot " + slot);
      }
      Long earlier = slotOf.putIfAbsent(key, slot);
      if (earlier != null && earlier != slot) {
        throw new InvariantViolation(
            InvariantViolation.INTEGRITY,
            "command " + c + " is chosen twice: in slot " + earlier + " and in slot " + slot);
      }
    }
  }
}
