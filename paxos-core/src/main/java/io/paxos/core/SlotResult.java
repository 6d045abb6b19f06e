package io.paxos.core;

import java.util.Objects;

/**
 * A result together with the slot it reflects: for a command, the slot it was applied in; for a
 * read, the last slot this node had applied when it ran the query. Slots grow with every change of
 * the replicated state, so a caller can hand the slot of anything it has seen to a later read at
 * any node ({@code PaxosNode.read(query, consistency, minSlot)}) and be sure to see at least that
 * state: read-your-writes and monotonic reads across nodes.
 *
 * @param slot the slot, at least 0 (0: nothing applied yet)
 * @param result the state machine's result; owned by the caller, not copied
 */
public record SlotResult(long slot, byte[] result) {
  /**
   * Checks the components; {@code result} is kept, not copied.
   *
   * @param slot the slot, at least 0 (0: nothing applied yet)
   * @param result the state machine's result; owned by the caller, not copied
   * @throws IllegalArgumentException if {@code slot} is negative
   * @throws NullPointerException if {@code result} is null
   */
  public SlotResult {
    if (slot < 0) {
      throw new IllegalArgumentException("slot must not be negative, was " + slot);
    }
    Objects.requireNonNull(result, "result");
  }
}
