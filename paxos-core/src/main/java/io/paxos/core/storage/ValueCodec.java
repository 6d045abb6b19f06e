package io.paxos.core.storage;

import io.paxos.core.protocol.BatchCodec;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Value;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The compact binary form of a {@link Value}, as {@link FileStorage} writes it:
 *
 * <pre>
 * no-op:  0x00
 * batch:  0x03, varint length, the bytes of {@link BatchCodec}
 * membership change: 0x02, varint length, the bytes of {@link MembershipCodec}
 * batch, as written before {@link BatchCodec} (read, never written):
 *         0x01, varint count (at least 1), then per command:
 *         varint origin, clientId (8 bytes), varint sequence, varint acknowledgedBelow,
 *         varint payload length, payload
 * </pre>
 *
 * A batch is written as the bytes it holds, as the proposer made them or the wire brought them:
 * nothing encodes it again on its way to the log. Varints are unsigned LEB128 (7 bits a byte, low
 * bits first) of the value's two's complement bits. Multi-byte fixed fields of the old batch form
 * use the buffer's byte order.
 *
 * <p>Stateless and thread-safe. {@link #read} validates every length against the bytes that remain
 * and throws {@link IllegalArgumentException} for malformed input, so a bug or an undetected
 * corruption never turns into a huge allocation.
 */
final class ValueCodec {
  static final byte NOOP = 0;
  static final byte BATCH = 1;
  static final byte RECONFIGURE = 2;
  static final byte PACKED_BATCH = 3;

  private ValueCodec() {}

  /** The number of bytes {@link #write} puts for {@code value}. */
  static int size(Value value) {
    if (value instanceof Value.Reconfigure r) {
      int length = r.byteSize();
      return 1 + varintSize(length) + length;
    }
    if (!(value instanceof Value.Batch b)) {
      return 1;
    }
    int length = BatchCodec.bytes(b).length;
    long size = 1L + varintSize(length) + length;
    if (size > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("value of " + size + " bytes is too large to store");
    }
    return (int) size;
  }

  /** Put {@code value} at the buffer's position, which must have {@link #size} bytes left. */
  static void write(Value value, ByteBuffer out) {
    if (value instanceof Value.Reconfigure r) {
      byte[] bytes = MembershipCodec.encode(r);
      out.put(RECONFIGURE);
      putVarint(out, bytes.length);
      out.put(bytes);
      return;
    }
    if (!(value instanceof Value.Batch b)) {
      out.put(NOOP);
      return;
    }
    byte[] bytes = BatchCodec.bytes(b);
    out.put(PACKED_BATCH);
    putVarint(out, bytes.length);
    out.put(bytes);
  }

  /**
   * Read one value from the buffer's position, advancing it past the value.
   *
   * @throws IllegalArgumentException if the bytes are not a value written by {@link #write}
   */
  static Value read(ByteBuffer in) {
    try {
      byte tag = in.get();
      if (tag == NOOP) {
        return Value.NOOP;
      }
      if (tag == RECONFIGURE) {
        byte[] bytes = new byte[lengthVarint(in, "membership length")];
        in.get(bytes);
        return MembershipCodec.decode(bytes);
      }
      if (tag == PACKED_BATCH) {
        byte[] bytes = new byte[lengthVarint(in, "batch length")];
        in.get(bytes);
        return BatchCodec.decode(bytes);
      }
      if (tag != BATCH) {
        throw new IllegalArgumentException("unknown value tag " + tag);
      }
      int count = lengthVarint(in, "command count");
      if (count == 0) {
        throw new IllegalArgumentException("a batch of zero commands");
      }
      List<Command> commands = new ArrayList<>(Math.min(count, in.remaining()));
      for (int i = 0; i < count; i++) {
        int origin = (int) getVarint(in);
        long clientId = in.getLong();
        long sequence = getVarint(in);
        long acknowledgedBelow = getVarint(in);
        byte[] payload = new byte[lengthVarint(in, "payload length")];
        in.get(payload);
        commands.add(new Command(origin, clientId, sequence, acknowledgedBelow, payload));
      }
      return new Value.Batch(commands);
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("value cut short", e);
    }
  }

  static int varintSize(long v) {
    int size = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      size++;
    }
    return size;
  }

  static void putVarint(ByteBuffer out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.put((byte) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.put((byte) v);
  }

  static long getVarint(ByteBuffer in) {
    long v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      v |= (long) (b & 0x7F) << shift;
      if (b >= 0) {
        return v;
      }
    }
    throw new IllegalArgumentException("varint longer than 10 bytes");
  }

  /** A varint that counts bytes or items still to come: at most what remains in {@code in}. */
  private static int lengthVarint(ByteBuffer in, String what) {
    long v = getVarint(in);
    if (v < 0 || v > in.remaining()) {
      throw new IllegalArgumentException(
          what + " " + v + " exceeds the " + in.remaining() + " bytes that remain");
    }
    return (int) v;
  }
}
