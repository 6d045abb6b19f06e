package io.paxos.core.protocol;

import java.util.List;

/**
 * The one binary form of a {@link Value.Batch}: made once where a batch enters (the proposer's
 * batch, or the bytes a peer or the log hands in), and what the wire carries, the log stores and
 * the learner keeps, byte for byte (docs/write-path.md, "One binary form of a value").
 *
 * <pre>
 * version 1 (byte), command count (varint, at least 1), then per command:
 *   origin (varint of its 32 bits, unsigned), client id (8 bytes, big-endian),
 *   sequence (varint of its 64 bits), acknowledgedBelow (varint of its 64 bits),
 *   payload length (varint), payload
 * </pre>
 *
 * <p>Varints are unsigned LEB128 (7 bits a byte, low bits first), so origins, sequence numbers and
 * lengths that are small and positive take one or two bytes; the client id is random and takes its
 * 8. A command of {@code n} payload bytes takes at most {@code n} + {@link #MAX_COMMAND_OVERHEAD}
 * bytes.
 *
 * <p>{@link #decode} checks the whole form before it returns: the version, a count of at least one
 * that the bytes that remain could hold, every varint within its width, every payload length within
 * the bytes that remain, and nothing after the last command; anything else is an {@link
 * IllegalArgumentException} naming what is wrong, so malformed input never becomes a large
 * allocation. Plain arrays, no I/O classes: the protocol package stays free of them. Stateless and
 * thread-safe.
 */
public final class BatchCodec {
  /** The only format version so far; a decoder refuses any other. */
  public static final byte VERSION = 1;

  /**
   * The most bytes a command takes beyond its payload: a 5-byte origin, the 8-byte client id, two
   * 10-byte varints and a 5-byte payload length.
   */
  public static final int MAX_COMMAND_OVERHEAD = 5 + 8 + 10 + 10 + 5;

  /** The fewest bytes a command takes: one byte for each varint and the 8-byte client id. */
  static final int MIN_COMMAND_BYTES = 1 + 8 + 1 + 1 + 1;

  private BatchCodec() {}

  /**
   * {@return the bytes of a batch of {@code commands}}
   *
   * @param commands the batch's commands, in order
   * @throws IllegalArgumentException if there are none, or the form would exceed 2^31 - 16 bytes
   */
  public static byte[] encode(List<Command> commands) {
    return pack(commands).bytes();
  }

  /** {@code commands} in their binary form, encoded unless they are in it already. */
  static PackedCommands pack(List<Command> commands) {
    if (commands instanceof PackedCommands p) {
      return p;
    }
    if (commands.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one command; use Value.NOOP");
    }
    long size = 1 + varintSize(commands.size());
    for (int i = 0; i < commands.size(); i++) {
      Command c = commands.get(i);
      size +=
          varintSize(c.origin() & 0xFFFF_FFFFL)
              + 8
              + varintSize(c.sequence())
              + varintSize(c.acknowledgedBelow())
              + varintSize(c.payload().length)
              + c.payload().length;
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalArgumentException("a batch of over " + size + " bytes is too large");
      }
    }
    byte[] bytes = new byte[(int) size];
    int[] offsets = new int[commands.size()];
    int payloadBytes = 0;
    int at = 0;
    bytes[at++] = VERSION;
    at = putVarint(bytes, at, commands.size());
    for (int i = 0; i < commands.size(); i++) {
      Command c = commands.get(i);
      byte[] payload = c.payload();
      offsets[i] = at;
      at = putVarint(bytes, at, c.origin() & 0xFFFF_FFFFL);
      putLong(bytes, at, c.clientId());
      at = putVarint(bytes, at + 8, c.sequence());
      at = putVarint(bytes, at, c.acknowledgedBelow());
      at = putVarint(bytes, at, payload.length);
      System.arraycopy(payload, 0, bytes, at, payload.length);
      at += payload.length;
      payloadBytes += payload.length;
    }
    return new PackedCommands(bytes, offsets, payloadBytes);
  }

  /**
   * {@return the bytes of {@code batch}: the array it holds, shared, not copied} Callers must not
   * change it.
   *
   * @param batch a batch
   */
  public static byte[] bytes(Value.Batch batch) {
    return encode(batch.commands());
  }

  /**
   * {@return the batch {@code bytes} hold; it keeps the array, which callers must not change
   * afterwards}
   *
   * @param bytes the bytes of a batch, as {@link #encode} makes them
   * @throws IllegalArgumentException if they are not the bytes of a batch
   */
  public static Value.Batch decode(byte[] bytes) {
    return new Value.Batch(commands(bytes));
  }

  /** The commands {@code bytes} hold, after checking the whole form; they keep the array. */
  static PackedCommands commands(byte[] bytes) {
    Reader in = new Reader(bytes, 0);
    if (bytes.length == 0) {
      throw new IllegalArgumentException("a batch of no bytes");
    }
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown batch format version " + version);
    }
    long count = in.varint("command count", 5);
    if (count < 1) {
      throw new IllegalArgumentException("a batch of zero commands");
    }
    if (count > in.remaining() / MIN_COMMAND_BYTES) {
      throw new IllegalArgumentException(
          "command count "
              + count
              + " exceeds what the "
              + in.remaining()
              + " bytes that remain can hold");
    }
    int[] offsets = new int[(int) count];
    long payloadBytes = 0;
    for (int i = 0; i < count; i++) {
      offsets[i] = in.position;
      long origin = in.varint("origin", 5);
      if (origin > 0xFFFF_FFFFL) {
        throw new IllegalArgumentException(
            "origin " + origin + " of command " + i + " is above 32 bits");
      }
      in.skip(8, "client id");
      in.varint("sequence", 10);
      in.varint("acknowledgedBelow", 10);
      long length = in.varint("payload length", 5);
      if (length > in.remaining()) {
        throw new IllegalArgumentException(
            "payload length "
                + length
                + " of command "
                + i
                + " exceeds the "
                + in.remaining()
                + " bytes that remain");
      }
      in.skip((int) length, "payload");
      payloadBytes += length;
    }
    if (in.remaining() > 0) {
      throw new IllegalArgumentException(in.remaining() + " bytes after the last command");
    }
    return new PackedCommands(bytes, offsets, (int) payloadBytes); // below bytes.length
  }

  /**
   * The command whose form starts at {@code at} in {@code bytes}, which {@link #commands} checked.
   */
  static Command command(byte[] bytes, int at) {
    Reader in = new Reader(bytes, at);
    int origin = (int) in.varint("origin", 5);
    long clientId = getLong(bytes, in.position);
    in.position += 8;
    long sequence = in.varint("sequence", 10);
    long acknowledgedBelow = in.varint("acknowledgedBelow", 10);
    int length = (int) in.varint("payload length", 5);
    byte[] payload = new byte[length];
    System.arraycopy(bytes, in.position, payload, 0, length);
    return new Command(origin, clientId, sequence, acknowledgedBelow, payload);
  }

  static int varintSize(long v) {
    int size = 1;
    while ((v & ~0x7FL) != 0) {
      v >>>= 7;
      size++;
    }
    return size;
  }

  private static int putVarint(byte[] b, int at, long v) {
    while ((v & ~0x7FL) != 0) {
      b[at++] = (byte) ((v & 0x7F) | 0x80);
      v >>>= 7;
    }
    b[at++] = (byte) v;
    return at;
  }

  private static void putLong(byte[] b, int at, long v) {
    for (int i = 7; i >= 0; i--) {
      b[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  private static long getLong(byte[] b, int at) {
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = v << 8 | (b[at + i] & 0xFF);
    }
    return v;
  }

  /**
   * Reads a byte array from a position; running past its end is an {@link
   * IllegalArgumentException}.
   */
  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes, int position) {
      this.bytes = bytes;
      this.position = position;
    }

    int remaining() {
      return bytes.length - position;
    }

    byte get() {
      if (position == bytes.length) {
        throw new IllegalArgumentException("batch cut short at byte " + position);
      }
      return bytes[position++];
    }

    void skip(int n, String what) {
      if (n > remaining()) {
        throw new IllegalArgumentException(
            "batch cut short at byte " + position + ", in a " + what);
      }
      position += n;
    }

    /** A varint of at most {@code width} bytes (5 for 32 bits, 10 for 64). */
    long varint(String what, int width) {
      long v = 0;
      for (int i = 0; i < width; i++) {
        byte b = get();
        if (i == 9 && (b & 0x7E) != 0) {
          throw new IllegalArgumentException(what + " is above 64 bits");
        }
        v |= (long) (b & 0x7F) << (7 * i);
        if (b >= 0) {
          return v;
        }
      }
      throw new IllegalArgumentException(what + " is longer than " + width + " bytes");
    }
  }
}
