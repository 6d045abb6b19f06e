package io.paxos.core.storage;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of the log. All integers are little-endian.
 *
 * <pre>
 * segment file "log-&lt;20-digit number&gt;.seg":
 *   header   magic "PXLG" (int), format version (int), segment number (long)    16 bytes
 *   records  one after another, then zeros (preallocated) or the end of the file
 *
 * record:
 *   0  crc         int   CRC32C of bytes [4, 8 + length), mixed with the segment number and
 *                        the record's offset, so a record copied elsewhere does not verify
 *   4  length      int   bytes after this 8-byte header; never 0, so 0 marks the end of the log
 *   8  batchStart  int   offset in this segment up to which the log was known forced when this
 *                        record was written: the start of the oldest group commit whose force
 *                        had not returned (the segment header's end if none of it was forced)
 *   12 type        byte  PROMISE, ROUND, ACCEPTED, CHOSEN, COMPACT, EPOCH_PROMISE,
 *                        EPOCH_ACCEPTED or CHOSEN_REF
 *   13 payload           PROMISE:  round (long), node id (int)
 *                        ROUND:    round (long)
 *                        ACCEPTED: slot (long), ballot round (long), ballot node id (int), value
 *                        CHOSEN:   slot (long), value
 *                        COMPACT:  slot (long): a durable snapshot covers every slot through it,
 *                                  so records of those slots before this one are void
 *                        EPOCH_PROMISE:  epoch (int), round (long), node id (int)
 *                        EPOCH_ACCEPTED: slot (long), ballot epoch (int), round (long), node
 *                                  id (int), value
 *                        CHOSEN_REF: slot (long), ballot epoch (int), round (long), node id
 *                                  (int): the slot's value is chosen, and is the value of the
 *                                  ACCEPTED or EPOCH_ACCEPTED record of that slot and ballot, the
 *                                  last of the slot before this one, in the same segment
 *                        (PROMISE and ACCEPTED hold ballots of epoch 0; the EPOCH_ forms, ballots
 *                        of a later membership epoch, so a log of a cluster whose membership never
 *                        changed is written exactly as before epochs existed)
 *                        (value as written by {@link ValueCodec})
 * </pre>
 *
 * <p>{@code batchStart} is what lets recovery tell a torn tail from corruption: a damaged record is
 * part of the unacknowledged tail exactly when no intact record after it claims a forced prefix
 * beyond it (see {@link LogRecovery}).
 */
final class RecordFormat {
  static final ByteOrder ORDER = ByteOrder.LITTLE_ENDIAN;
  static final int MAGIC = 0x474C5850; // "PXLG" in little-endian
  static final int VERSION = 1;
  static final int SEGMENT_HEADER = 16;
  static final int RECORD_HEADER = 8;

  /** Header, batchStart and type: the bytes of a record without its payload. */
  static final int OVERHEAD = RECORD_HEADER + 5;

  static final byte PROMISE = 1;
  static final byte ROUND = 2;
  static final byte ACCEPTED = 3;
  static final byte CHOSEN = 4;
  static final byte COMPACT = 5;
  static final byte EPOCH_PROMISE = 6;
  static final byte EPOCH_ACCEPTED = 7;
  static final byte CHOSEN_REF = 8;

  static final int PROMISE_PAYLOAD = 12;
  static final int ROUND_PAYLOAD = 8;
  static final int ACCEPTED_FIXED = 20;
  static final int CHOSEN_FIXED = 8;
  static final int COMPACT_PAYLOAD = 8;
  static final int EPOCH_PROMISE_PAYLOAD = 16;
  static final int EPOCH_ACCEPTED_FIXED = 24;
  static final int CHOSEN_REF_PAYLOAD = 24;

  private RecordFormat() {}

  /**
   * The checksum to store for the record that occupies {@code [start, end)} of {@code buffer} and
   * will lie at {@code fileOffset} of segment {@code segment}. Leaves the buffer's position and
   * limit as they were.
   */
  static int checksum(
      CRC32C crc, ByteBuffer buffer, int start, int end, long segment, long fileOffset) {
    int position = buffer.position();
    int limit = buffer.limit();
    crc.reset();
    buffer.limit(end).position(start + 4);
    crc.update(buffer);
    buffer.limit(limit).position(position);
    return (int) crc.getValue() ^ mix(segment, fileOffset);
  }

  private static int mix(long segment, long offset) {
    return (int) ((offset * 0x9E3779B97F4A7C15L + segment * 0xC2B2AE3D27D4EB4FL) >>> 32);
  }

  static String segmentName(long number) {
    return String.format("log-%020d.seg", number);
  }

  /** The segment number in a file name of the form {@link #segmentName}, or -1. */
  static long segmentNumber(String fileName) {
    if (fileName.length() != 28 || !fileName.startsWith("log-") || !fileName.endsWith(".seg")) {
      return -1;
    }
    String digits = fileName.substring(4, 24);
    for (int i = 0; i < digits.length(); i++) {
      if (!Character.isDigit(digits.charAt(i))) {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }

  static ByteBuffer segmentHeader(long number) {
    ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER).order(ORDER);
    header.putInt(MAGIC).putInt(VERSION).putLong(number).flip();
    return header;
  }
}
