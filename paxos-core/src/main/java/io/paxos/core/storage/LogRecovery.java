package io.paxos.core.storage;

import io.paxos.core.protocol.DurableState;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the log back when a {@link FileStorage} opens: every segment in order, every record's
 * checksum verified, the state rebuilt in a {@link RecoveredState}.
 *
 * <p><b>Torn tail versus corruption</b> (docs/pitfalls.md #16). A record that is cut short, fails
 * its checksum or has an impossible length is either the torn tail of the last group commit, which
 * was never acknowledged, or damage to acknowledged data. It is the tail exactly when it lies in
 * the last segment and no intact record after it claims a forced prefix beyond it (each record
 * carries the offset up to which the log was known forced when it was written: a record written
 * after the damaged one was forced, and so acknowledged, claims more). A torn tail is truncated,
 * with a warning. Anything else, and any damage in an earlier segment (every earlier segment was
 * forced before the next was created), stops the node with an error that names the file and the
 * offset. A zero length field ends the log; bytes other than zeros after it are treated like a
 * damaged record there.
 *
 * <p>Runs once, on the opening thread.
 */
final class LogRecovery {
  private static final Logger log = LoggerFactory.getLogger(LogRecovery.class);

  /**
   * What recovery found: the state, where the log ends (segment 0 if there is none), and the
   * highest slot named in each segment.
   */
  record Result(
      DurableState state, long lastSegment, long end, TreeMap<Long, Long> segmentMaxSlots) {}

  private final DataDirectory dir;
  private final RecoveredState state = new RecoveredState();
  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer = ByteBuffer.allocate(0);

  private LogRecovery(DataDirectory dir) {
    this.dir = dir;
  }

  static Result recover(DataDirectory dir) throws IOException {
    return new LogRecovery(dir).run();
  }

  private Result run() throws IOException {
    List<Long> numbers = dir.segmentNumbers();
    for (int i = 1; i < numbers.size(); i++) {
      if (numbers.get(i) != numbers.get(i - 1) + 1) {
        throw new StorageException(
            "log segment "
                + dir.segmentPath(numbers.get(i - 1) + 1)
                + " is missing (found "
                + numbers
                + "): acknowledged data is lost; restore the data directory from a copy");
      }
    }
    if (!numbers.isEmpty() && numbers.get(0) > 1) {
      state.headDeleted();
    }
    long end = 0;
    for (int i = 0; i < numbers.size(); i++) {
      long number = numbers.get(i);
      state.beginSegment(number);
      long segmentEnd = readSegment(number, i == numbers.size() - 1);
      if (segmentEnd < 0) {
        // The creation of the last segment was cut short; the one before it is the last.
        Files.delete(dir.segmentPath(number));
        dir.sync();
        log.warn("deleted {}: its creation was cut short", dir.segmentPath(number));
        state.segmentMaxSlots().remove(number);
        return new Result(
            state.toDurableState(), i == 0 ? 0 : numbers.get(i - 1), end, state.segmentMaxSlots());
      }
      end = segmentEnd;
    }
    long lastSegment = numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
    state
        .missingCompaction()
        .ifPresent(
            gap -> {
              throw new StorageException(
                  "corrupt log in "
                      + dir.path()
                      + ": "
                      + gap
                      + " (segments "
                      + numbers
                      + "). Acknowledged data is lost, so the node does not start: restore its data"
                      + " directory from a copy, or replace the node");
            });
    return new Result(state.toDurableState(), lastSegment, end, state.segmentMaxSlots());
  }

  /**
   * Apply the records of one segment and return where they end, after truncating a torn tail of the
   * last segment; -1 if the last segment's header was never completely written.
   */
  private long readSegment(long number, boolean last) throws IOException {
    Path path = dir.segmentPath(number);
    ByteBuffer seg = read(path);
    if (!validHeader(seg, number)) {
      if (last && findRecord(seg, number, 0) < 0) {
        return -1;
      }
      throw corrupt(path, 0, "not a segment header of log segment " + number, -1);
    }
    int pos = RecordFormat.SEGMENT_HEADER;
    while (true) {
      int size = recordSize(seg, number, pos);
      if (size <= 0) {
        return endAt(path, seg, number, last, pos, size == 0);
      }
      applyRecord(path, seg, pos, size);
      pos += size;
    }
  }

  private ByteBuffer read(Path path) throws IOException {
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new StorageException(path + " is " + size + " bytes, larger than any log segment");
      }
      if (buffer.capacity() < size) {
        buffer = ByteBuffer.allocate((int) size).order(RecordFormat.ORDER);
      }
      buffer.clear().limit((int) size);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, buffer.position()) < 0) {
          break;
        }
      }
      return buffer.flip();
    }
  }

  private static boolean validHeader(ByteBuffer seg, long number) {
    return seg.limit() >= RecordFormat.SEGMENT_HEADER
        && seg.getInt(0) == RecordFormat.MAGIC
        && seg.getInt(4) == RecordFormat.VERSION
        && seg.getLong(8) == number;
  }

  /** The size of the intact record at {@code pos}; 0 at the end of the log; -1 if damaged. */
  private int recordSize(ByteBuffer seg, long number, int pos) {
    int left = seg.limit() - pos;
    if (left == 0) {
      return 0;
    }
    if (left < RecordFormat.RECORD_HEADER) {
      return zerosFrom(seg, pos) ? 0 : -1; // preallocated zeros too short for a header
    }
    int length = seg.getInt(pos + 4);
    if (length == 0) {
      return 0;
    }
    if (length < RecordFormat.OVERHEAD - RecordFormat.RECORD_HEADER
        || length > left - RecordFormat.RECORD_HEADER) {
      return -1;
    }
    int batchStart = seg.getInt(pos + 8);
    if (batchStart < RecordFormat.SEGMENT_HEADER || batchStart > pos) {
      return -1;
    }
    int end = pos + RecordFormat.RECORD_HEADER + length;
    int expected = RecordFormat.checksum(crc, seg, pos, end, number, pos);
    return expected == seg.getInt(pos) ? end - pos : -1;
  }

  /** The offset of the first intact record at or after {@code from}, or -1. */
  private int findRecord(ByteBuffer seg, long number, int from) {
    for (int x = Math.max(from, RecordFormat.SEGMENT_HEADER);
        x <= seg.limit() - RecordFormat.OVERHEAD;
        x++) {
      if (seg.getInt(x + 4) != 0 && recordSize(seg, number, x) > 0) {
        return x;
      }
    }
    return -1;
  }

  private void applyRecord(Path path, ByteBuffer seg, int pos, int size) {
    int limit = seg.limit();
    try {
      seg.position(pos + RecordFormat.OVERHEAD).limit(pos + size);
      state.apply(seg.get(pos + RecordFormat.OVERHEAD - 1), seg);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw corrupt(path, pos, "an intact record that cannot be applied: " + e.getMessage(), -1);
    } finally {
      seg.limit(limit).position(0);
    }
  }

  /**
   * The records end at {@code pos}: at a zero length field or the end of the file ({@code
   * endMarker}), or at a damaged record. Decide between a clean end, a torn tail and corruption.
   */
  private long endAt(
      Path path, ByteBuffer seg, long number, boolean last, int pos, boolean endMarker)
      throws IOException {
    boolean zerosAfter = zerosFrom(seg, pos);
    if (endMarker && zerosAfter) {
      return pos;
    }
    String what = endMarker ? "bytes after the end-of-log marker" : "a damaged record";
    if (!last) {
      throw corrupt(path, pos, what + " in a segment that was complete", -1);
    }
    for (int x = findRecord(seg, number, pos + 1);
        x >= 0;
        x = findRecord(seg, number, x + recordSize(seg, number, x))) {
      if (seg.getInt(x + 8) > pos) {
        throw corrupt(path, pos, what, x);
      }
    }
    log.warn(
        "{} at offset {} of {} is a torn write of the last group commit, which was never"
            + " acknowledged: truncating the log there",
        what,
        pos,
        path);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.WRITE)) {
      channel.truncate(pos);
      channel.force(true);
    }
    return pos;
  }

  private static boolean zerosFrom(ByteBuffer seg, int pos) {
    int i = pos;
    for (; i + 8 <= seg.limit(); i += 8) {
      if (seg.getLong(i) != 0) {
        return false;
      }
    }
    for (; i < seg.limit(); i++) {
      if (seg.get(i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static StorageException corrupt(Path file, int offset, String what, int laterRecord) {
    return new StorageException(
        "corrupt log: "
            + what
            + " in "
            + file
            + " at offset "
            + offset
            + (laterRecord >= 0
                ? ", followed by acknowledged records (from offset " + laterRecord + ")"
                : "")
            + ". Acknowledged data is damaged, so the node does not start: restore its data"
            + " directory from a copy, or replace the node");
  }
}
