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
 * @param forcesInFlight how many forces of the log may run at once ({@link
 *     Storage#forcesInFlight()}): with 2, a node's storage threads write the next group and start
 *     its force while the previous force runs (docs/write-path.md); 1 forces one group at a time.
 *     Between 1 and {@link #MAX_FORCES_IN_FLIGHT}
 */
public record FileStorageOptions(
    long segmentBytes, boolean preallocate, int writeBufferBytes, int forcesInFlight) {
  /** The smallest {@code segmentBytes}: 4 KiB. */
  public static final long MIN_SEGMENT_BYTES = 4 * 1024;

  /** The largest {@code segmentBytes}: 1 GiB. */
  public static final long MAX_SEGMENT_BYTES = 1L << 30;

  /** The smallest {@code writeBufferBytes}: 4 KiB. */
  public static final int MIN_WRITE_BUFFER_BYTES = 4 * 1024;

  /** The largest {@code forcesInFlight}: 4. */
  public static final int MAX_FORCES_IN_FLIGHT = 4;

  /**
   * Options that force one group at a time.
   *
   * @param segmentBytes the size at which the log rolls over to a new segment file
   * @param preallocate whether to fill the log ahead of the writes with zeros
   * @param writeBufferBytes the size of the direct buffer that collects one group commit
   * @throws IllegalArgumentException as the canonical constructor
   */
  public FileStorageOptions(long segmentBytes, boolean preallocate, int writeBufferBytes) {
    this(segmentBytes, preallocate, writeBufferBytes, 1);
  }

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
   * @param forcesInFlight how many forces of the log may run at once; between 1 and {@link
   *     #MAX_FORCES_IN_FLIGHT}
   * @throws IllegalArgumentException if {@code segmentBytes} is outside [{@link
   *     #MIN_SEGMENT_BYTES}, {@link #MAX_SEGMENT_BYTES}], {@code writeBufferBytes} is below {@link
   *     #MIN_WRITE_BUFFER_BYTES} or {@code forcesInFlight} is outside [1, {@link
   *     #MAX_FORCES_IN_FLIGHT}]
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
    if (forcesInFlight < 1 || forcesInFlight > MAX_FORCES_IN_FLIGHT) {
      throw new IllegalArgumentException(
          "forcesInFlight " + forcesInFlight + " must be between 1 and " + MAX_FORCES_IN_FLIGHT);
    }
  }

  /**
   * {@return the defaults: 64 MiB segments, preallocated, with a 1 MiB write buffer, one force at a
   * time}
   */
  public static FileStorageOptions defaults() {
    return new FileStorageOptions(64L << 20, true, 1 << 20, 1);
  }

  /**
   * {@return these options with segments of {@code bytes}}
   *
   * @param bytes the segment size, between {@link #MIN_SEGMENT_BYTES} and {@link
   *     #MAX_SEGMENT_BYTES}
   * @throws IllegalArgumentException if {@code bytes} is out of those bounds
   */
  public FileStorageOptions withSegmentBytes(long bytes) {
    return new FileStorageOptions(bytes, preallocate, writeBufferBytes, forcesInFlight);
  }

  /**
   * {@return these options with preallocation on or off}
   *
   * @param on whether to preallocate the log ahead of the writes
   */
  public FileStorageOptions withPreallocate(boolean on) {
    return new FileStorageOptions(segmentBytes, on, writeBufferBytes, forcesInFlight);
  }

  /**
   * {@return these options with a write buffer of {@code bytes}}
   *
   * @param bytes the buffer size, at least {@link #MIN_WRITE_BUFFER_BYTES}
   * @throws IllegalArgumentException if {@code bytes} is below that
   */
  public FileStorageOptions withWriteBufferBytes(int bytes) {
    return new FileStorageOptions(segmentBytes, preallocate, bytes, forcesInFlight);
  }

  /**
   * {@return these options with up to {@code count} forces of the log at once}
   *
   * @param count between 1 and {@link #MAX_FORCES_IN_FLIGHT}
   * @throws IllegalArgumentException if {@code count} is out of those bounds
   */
  public FileStorageOptions withForcesInFlight(int count) {
    return new FileStorageOptions(segmentBytes, preallocate, writeBufferBytes, count);
  }
}
