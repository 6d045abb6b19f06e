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
  /** The smallest {@code segmentBytes}: 4 KiB. */
  public static final long MIN_SEGMENT_BYTES = 4 * 1024;

  /** The largest {@code segmentBytes}: 1 GiB. */
  public static final long MAX_SEGMENT_BYTES = 1L << 30;

  /** The smallest {@code writeBufferBytes}: 4 KiB. */
  public static final int MIN_WRITE_BUFFER_BYTES = 4 * 1024;

  /**
   * Checks the bounds.
   *
   * @param segmentBytes the size at which the log rolls over to a new segment file (a record larger
   *     than this gets a segment of its own); between 4 KiB and 1 GiB
   * @param preallocate whether to fill the log ahead of the writes with zeros, in chunks of up to 1
   *     MiB, so that a small group commit overwrites allocated blocks and its fsync need not commit
   *     file-size metadata (about half the cost on ext4). Large group commits (256 KiB and more)
   *     are not preallocated: they would write every byte twice
   * @param writeBufferBytes the size of the direct buffer that collects the records of one group
   *     commit; a batch larger than this is written in several system calls (a single larger record
   *     grows the buffer). At least 4 KiB
   * @throws IllegalArgumentException if {@code segmentBytes} is outside [{@link
   *     #MIN_SEGMENT_BYTES}, {@link #MAX_SEGMENT_BYTES}] or {@code writeBufferBytes} is below
   *     {@link #MIN_WRITE_BUFFER_BYTES}
   */
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

  /** {@return the defaults: 64 MiB segments, preallocated, with a 1 MiB write buffer} */
  public static FileStorageOptions defaults() {
    return new FileStorageOptions(64L << 20, true, 1 << 20);
  }

  /**
   * {@return these options with segments of {@code bytes}}
   *
   * @param bytes the segment size, between {@link #MIN_SEGMENT_BYTES} and {@link
   *     #MAX_SEGMENT_BYTES}
   * @throws IllegalArgumentException if {@code bytes} is out of those bounds
   */
  public FileStorageOptions withSegmentBytes(long bytes) {
    return new FileStorageOptions(bytes, preallocate, writeBufferBytes);
  }

  /**
   * {@return these options with preallocation on or off}
   *
   * @param on whether to preallocate the log ahead of the writes
   */
  public FileStorageOptions withPreallocate(boolean on) {
    return new FileStorageOptions(segmentBytes, on, writeBufferBytes);
  }

  /**
   * {@return these options with a write buffer of {@code bytes}}
   *
   * @param bytes the buffer size, at least {@link #MIN_WRITE_BUFFER_BYTES}
   * @throws IllegalArgumentException if {@code bytes} is below that
   */
  public FileStorageOptions withWriteBufferBytes(int bytes) {
    return new FileStorageOptions(segmentBytes, preallocate, bytes);
  }
}
