package io.paxos.core.storage;

/**
 * A snapshot held by a {@link SnapshotStore}: the slot it covers (every slot up to and including it
 * was applied to the state it holds), the size of its payload in bytes, and the CRC32C of the
 * payload, which a peer receiving it in chunks checks before it installs it.
 *
 * @param slot the last slot the snapshot covers, at least 1
 * @param size the payload's size in bytes, at least 0
 * @param checksum the CRC32C of the payload
 */
public record SnapshotInfo(long slot, long size, int checksum) {
  /**
   * Checks the bounds.
   *
   * @param slot the last slot the snapshot covers, at least 1
   * @param size the payload's size in bytes, at least 0
   * @param checksum the CRC32C of the payload
   * @throws IllegalArgumentException if {@code slot} is below 1 or {@code size} is negative
   */
  public SnapshotInfo {
    if (slot < 1) {
      throw new IllegalArgumentException("a snapshot covers slot 1 or later, not " + slot);
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative snapshot size " + size);
    }
  }
}
