package io.paxos.core.typed;

import java.util.Objects;

/**
 * A typed result with the slot it reflects; see {@link io.paxos.core.SlotResult}.
 *
 * @param slot the slot, at least 0; hand it to a later read at any node to see at least this state
 * @param result the decoded result
 * @param <R> results and answers
 */
public record TypedSlotResult<R>(long slot, R result) {
  /**
   * Checks the slot and the result.
   *
   * @param slot the slot, at least 0; hand it to a later read at any node to see at least this
   *     state
   * @param result the decoded result
   */
  public TypedSlotResult {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must not be negative, was " + slot);
    }
    Objects.requireNonNull(result, "result");
  }
}
