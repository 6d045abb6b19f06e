package io.paxos.core.config;

/**
 * How much history of applied commands a node keeps in memory for watchers ({@code
 * PaxosNode.watch}): the newest slots that applied something, at most {@code retainedSlots} of them
 * and about {@code retainedBytes} of commands and results (the newest slot is kept whatever its
 * size). A watcher may start at, and lag behind by, anything this history holds; older slots are
 * refused. Immutable; validated in the constructor.
 *
 * <p>With {@link #disabled()} (the default) the node keeps no history and cannot be watched, and
 * applying a command costs nothing more than without this feature.
 *
 * @param retainedSlots the most slots kept, 0 to keep none (watching disabled)
 * @param retainedBytes the most command and result bytes kept (plus a fixed overhead per command),
 *     0 to keep none (watching disabled)
 */
public record WatchOptions(long retainedSlots, long retainedBytes) {
  /** What one retained command costs besides its bytes, counted against {@code retainedBytes}. */
  public static final int OVERHEAD_BYTES = 64;

  /**
   * Checks the components.
   *
   * @param retainedSlots the most slots kept, 0 to keep none (watching disabled)
   * @param retainedBytes the most command and result bytes kept (plus a fixed overhead per
   *     command), 0 to keep none (watching disabled)
   * @throws IllegalArgumentException if a component is out of the bounds given above
   */
  public WatchOptions {
    if (retainedSlots < 0 || retainedBytes < 0) {
      throw new IllegalArgumentException(
          "watch history bounds must not be negative (0 disables watching), were "
              + retainedSlots
              + " slots and "
              + retainedBytes
              + " bytes");
    }
  }

  /** {@return options with no history: the node cannot be watched} */
  public static WatchOptions disabled() {
    return new WatchOptions(0, 0);
  }

  /**
   * {@return the newest 10,000 slots, up to 16 MiB: what the key-value server keeps} Enough for a
   * watcher to resume after a failover or to lag by seconds under load; a larger history lets
   * watchers lag longer but costs the garbage collector more (the retained results outlive young
   * collections).
   */
  public static WatchOptions defaults() {
    return new WatchOptions(10_000, 16L << 20);
  }

  /** {@return whether the node keeps a history and can be watched} */
  public boolean enabled() {
    return retainedSlots > 0 && retainedBytes > 0;
  }
}
