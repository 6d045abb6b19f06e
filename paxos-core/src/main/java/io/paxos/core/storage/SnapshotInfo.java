package io.paxos.core.storage;

/**
 * A snapshot held by a {@link SnapshotStore}: the slot it covers (every slot up to and including it
 * was applied to the state it holds), the size of its payload in bytes, and the CRC32C of the
 * payload, which a peer receiving it in chunks checks before it installs it.
 */
public record SnapshotInfo(long slot, long size, int checksum) {
  public SnapshotInfo {
    if (slot < 1) {
      throw new IllegalArgumentException("a snapshot covers slot 1 or later, not " + slot);
    }
    if (size < 0) {
      throw new IllegalArgumentException("negative snapshot size " + size);
    }
  }
}
