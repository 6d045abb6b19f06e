package io.paxos.core.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The segment file the log appends to: a channel, the offset of the next write, and how far the
 * file is already allocated (written with zeros ahead of the records when preallocation is on).
 *
 * <p>Not thread-safe: the owning {@link FileStorage} makes every call. Writes are positional
 * ({@code pwrite}); nothing is durable until {@link #force}.
 */
final class Segment implements AutoCloseable {
  /** Preallocation fills at most this much ahead of the writes. */
  static final int PREALLOCATE_CHUNK = 1 << 20;

  private final long number;
  private final Path path;
  private final FileChannel channel;
  private final long segmentBytes;
  private final boolean preallocate;
  private final ByteBuffer zeros;
  private long position;
  private long allocatedEnd;
  private volatile boolean retired;

  private Segment(
      long number,
      Path path,
      FileChannel channel,
      FileStorageOptions options,
      ByteBuffer zeros,
      long position,
      long allocatedEnd) {
    this.number = number;
    this.path = path;
    this.channel = channel;
    this.segmentBytes = options.segmentBytes();
    this.preallocate = options.preallocate();
    this.zeros = zeros;
    this.position = position;
    this.allocatedEnd = allocatedEnd;
  }

  /**
   * Create segment {@code number} with its header (and its first chunk of zeros), and force it. The
   * caller must then force the directory, before any record in it is acknowledged.
   */
  static Segment create(Path dir, long number, FileStorageOptions options, ByteBuffer zeros)
      throws IOException {
    Path path = dir.resolve(RecordFormat.segmentName(number));
    FileChannel channel =
        FileChannel.open(
            path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      ByteBuffer header = RecordFormat.segmentHeader(number);
      while (header.hasRemaining()) {
        channel.write(header, RecordFormat.SEGMENT_HEADER - header.remaining());
      }
      Segment segment =
          new Segment(
              number,
              path,
              channel,
              options,
              zeros,
              RecordFormat.SEGMENT_HEADER,
              RecordFormat.SEGMENT_HEADER);
      if (options.preallocate()) {
        segment.fillZeros(
            RecordFormat.SEGMENT_HEADER,
            Math.min(options.segmentBytes(), PREALLOCATE_CHUNK + RecordFormat.SEGMENT_HEADER));
      }
      channel.force(true);
      return segment;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** Open an existing segment to append at {@code end}; the recovered log ends there. */
  static Segment openForAppend(
      Path path, long number, long end, FileStorageOptions options, ByteBuffer zeros)
      throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      return new Segment(number, path, channel, options, zeros, end, Math.max(end, channel.size()));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  long number() {
    return number;
  }

  Path path() {
    return path;
  }

  /** The offset of the next write: the end of the log in this segment. */
  long position() {
    return position;
  }

  /**
   * Write all of {@code data} at {@link #position()} and advance past it.
   *
   * @param smallCommit whether the group commit this belongs to is small (below a quarter of a
   *     preallocation chunk); only then is the file filled with zeros ahead of the write, since a
   *     large commit would write each byte twice for an fsync saving that its transfer time dwarfs
   */
  void write(ByteBuffer data, boolean smallCommit) throws IOException {
    long end = position + data.remaining();
    if (preallocate && smallCommit && end > allocatedEnd && end < segmentBytes) {
      fillZeros(Math.max(end, allocatedEnd), Math.min(segmentBytes, end + PREALLOCATE_CHUNK));
    }
    while (data.hasRemaining()) {
      position += channel.write(data, position);
    }
    allocatedEnd = Math.max(allocatedEnd, position);
  }

  /** Make every write durable: {@code fdatasync}, which also syncs a changed file size. */
  void force() throws IOException {
    channel.force(false);
  }

  private void fillZeros(long from, long to) throws IOException {
    long at = from;
    while (at < to) {
      ByteBuffer z = zeros.duplicate();
      z.limit((int) Math.min(z.capacity(), to - at));
      while (z.hasRemaining()) {
        at += channel.write(z, at);
      }
    }
    allocatedEnd = Math.max(allocatedEnd, to);
  }

  /** Mark this segment forced for good (before it is closed at a rollover). */
  void retire() {
    retired = true;
  }

  /** Whether a rollover forced and closed this segment: nothing written to it needs a force. */
  boolean retired() {
    return retired;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
