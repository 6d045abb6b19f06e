package io.paxos.core.storage;

/**
 * Tuning of a {@link FileStorage}. Immutable; validated in the constructor.
 *
 * @param segmentBytes the size at which the log rolls over to a new segment file (a record larger
 *     than this gets a segment of its own); between 4 KiB and 1 GiB
 * @param preallocate whether to fill the log ahead of the writes with zeros, in chunks of up to 1
 *     MiB, so that a small group commit overwrites allocated blocks and its fsync need not commit
 *     file-size metadata (about half the cost on ext4). Large group commits (256 KiB and more) are
 *     not preallocated: they would write every byte twice
 * @param writeBufferBytes the size of the direct buffer that collects the records of one group
 *     commit; a batch larger than this is written in several system calls (a single larger record
 *     grows the buffer). At least 4 KiB
 */
public record FileStorageOptions(long segmentBytes, boolean preallocate, int writeBufferBytes) {
  public static final long MIN_SEGMENT_BYTES = 4 * 1024;
  public static final long MAX_SEGMENT_BYTES = 1L << 30;
  public static final int MIN_WRITE_BUFFER_BYTES = 4 * 1024;

  public FileStorageOptions {
    if (segmentBytes < MIN_SEGMENT_BYTES || segmentBytes > MAX_SEGMENT_BYTES) {
      throw new IllegalArgumentException(
          "segmentBytes "
              + segmentBytes
              + " must be between "
              + MIN_SEGMENT_BYTES
              + " and "
              + MAX_SEGMENT_BYTES);
    }
    if (writeBufferBytes < MIN_WRITE_BUFFER_BYTES) {
      throw new IllegalArgumentException(
          "writeBufferBytes " + writeBufferBytes + " must be at least " + MIN_WRITE_BUFFER_BYTES);
    }
  }

  /** 64 MiB segments, preallocated, with a 1 MiB write buffer. */
  public static FileStorageOptions defaults() {
    return new FileStorageOptions(64L << 20, true, 1 << 20);
  }

  public FileStorageOptions withSegmentBytes(long bytes) {
    return new FileStorageOptions(bytes, preallocate, writeBufferBytes);
  }

  public FileStorageOptions withPreallocate(boolean on) {
    return new FileStorageOptions(segmentBytes, on, writeBufferBytes);
  }

  public FileStorageOptions withWriteBufferBytes(int bytes) {
    return new FileStorageOptions(segmentBytes, preallocate, bytes);
  }
}
