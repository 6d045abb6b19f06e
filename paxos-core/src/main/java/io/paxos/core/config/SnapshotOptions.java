package io.paxos.core.config;

/**
 * When a node snapshots its state machine, and how it streams snapshots to peers. A snapshot is
 * taken after {@code intervalSlots} applied slots or {@code intervalBytes} bytes of applied
 * commands since the last one, whichever comes first; the log below it is then compacted.
 * Immutable; validated in the constructor.
 *
 * @param intervalSlots applied slots between snapshots; 0 takes none by slot count
 * @param intervalBytes applied command bytes between snapshots; 0 takes none by size
 * @param chunkBytes the most snapshot bytes sent to a peer in one message
 */
public record SnapshotOptions(long intervalSlots, long intervalBytes, int chunkBytes) {

  /**
   * Checks the components.
   *
   * @param intervalSlots applied slots between snapshots; 0 takes none by slot count
   * @param intervalBytes applied command bytes between snapshots; 0 takes none by size
   * @param chunkBytes the most snapshot bytes sent to a peer in one message
   * @throws IllegalArgumentException if a component is out of the bounds given above
   */
  public SnapshotOptions {
    if (intervalSlots < 0 || intervalBytes < 0) {
      throw new IllegalArgumentException(
          "snapshot intervals must not be negative (0 turns one off), were "
              + intervalSlots
              + " slots and "
              + intervalBytes
              + " bytes");
    }
    if (chunkBytes < 1 || chunkBytes > 4 << 20) {
      throw new IllegalArgumentException(
          "chunkBytes must be between 1 and 4 MiB (a message must fit a transport's limit), was "
              + chunkBytes);
    }
  }

  /**
   * {@return the defaults: a snapshot every 100,000 slots or 64 MiB of commands, sent in chunks of
   * 256 KiB}
   */
  public static SnapshotOptions defaults() {
    return new SnapshotOptions(100_000, 64L << 20, 256 << 10);
  }

  /**
   * {@return options under which no snapshots are taken} A node still installs one a peer sends,
   * and serves its own.
   */
  public static SnapshotOptions disabled() {
    return new SnapshotOptions(0, 0, 256 << 10);
  }

  /** {@return whether snapshots are taken at all} */
  public boolean enabled() {
    return intervalSlots > 0 || intervalBytes > 0;
  }

  /**
   * {@return these options with a snapshot every {@code slots} slots}
   *
   * @param slots the interval in slots; 0 turns this trigger off; not negative
   * @throws IllegalArgumentException if {@code slots} is negative
   */
  public SnapshotOptions withIntervalSlots(long slots) {
    return new SnapshotOptions(slots, intervalBytes, chunkBytes);
  }

  /**
   * {@return these options with a snapshot every {@code bytes} bytes of applied commands}
   *
   * @param bytes the interval in bytes; 0 turns this trigger off; not negative
   * @throws IllegalArgumentException if {@code bytes} is negative
   */
  public SnapshotOptions withIntervalBytes(long bytes) {
    return new SnapshotOptions(intervalSlots, bytes, chunkBytes);
  }

  /**
   * {@return these options with snapshots sent to peers in chunks of {@code bytes}}
   *
   * @param bytes the chunk size, from 1 byte to 4 MiB
   * @throws IllegalArgumentException if {@code bytes} is out of that range
   */
  public SnapshotOptions withChunkBytes(int bytes) {
    return new SnapshotOptions(intervalSlots, intervalBytes, bytes);
  }
}
