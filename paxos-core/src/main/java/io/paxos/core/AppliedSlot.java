package io.paxos.core;

import java.util.List;

/**
 * The commands applied in one slot, in the order they were applied: one event of a {@link Watch}. A
 * slot in which nothing was applied (a no-op, or only retries answered from the deduplication
 * table) is not reported, so the slots of consecutive events may jump.
 *
 * @param slot the slot, at least 1
 * @param commands the commands applied in it, at least one
 */
public record AppliedSlot(long slot, List<AppliedCommand> commands) {
  /**
   * Checks the components and copies {@code commands} into an unmodifiable list.
   *
   * @param slot the slot, at least 1
   * @param commands the commands applied in it, at least one
   * @throws IllegalArgumentException if {@code slot} is below 1 or {@code commands} is empty
   * @throws NullPointerException if {@code commands} or one of its elements is null
   */
  public AppliedSlot {
    if (slot < 1) {
      throw new IllegalArgumentException("slot must be at least 1, was " + slot);
    }
    commands = List.copyOf(commands);
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("slot " + slot + " reports no command");
    }
  }
}
