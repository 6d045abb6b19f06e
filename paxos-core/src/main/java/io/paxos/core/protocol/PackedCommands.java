package io.paxos.core.protocol;

import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

/**
 * A batch's commands kept in one array, each decoded when it is read. A node keeps every delivered
 * value until a snapshot covers it (up to 64 MiB of commands by default); held as two objects per
 * command they are what young collections copy, one by one, while one array per slot is copied at
 * memory speed. Immutable, so it may back a {@link Value.Batch}.
 *
 * <p>Layout, per command, big-endian: origin (4 bytes), client id, sequence, acknowledgedBelow (8
 * each), payload length (4), payload. It lives only in memory: nothing reads it back after a
 * restart.
 */
final class PackedCommands extends AbstractList<Command> implements RandomAccess {
  private static final int HEADER = 4 + 8 + 8 + 8 + 4;

  private final byte[] bytes;
  private final int[] offsets;

  private PackedCommands(byte[] bytes, int[] offsets) {
    this.bytes = bytes;
    this.offsets = offsets;
  }

  /** {@code commands}, packed. */
  static PackedCommands of(List<Command> commands) {
    int[] offsets = new int[commands.size()];
    long size = 0;
    for (int i = 0; i < offsets.length; i++) {
      size += HEADER + commands.get(i).payload().length;
    }
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("a batch of " + size + " bytes is too large to pack");
    }
    byte[] bytes = new byte[(int) size];
    int at = 0;
    for (int i = 0; i < offsets.length; i++) {
      Command c = commands.get(i);
      offsets[i] = at;
      byte[] payload = c.payload();
      putInt(bytes, at, c.origin());
      putLong(bytes, at + 4, c.clientId());
      putLong(bytes, at + 12, c.sequence());
      putLong(bytes, at + 20, c.acknowledgedBelow());
      putInt(bytes, at + 28, payload.length);
      System.arraycopy(payload, 0, bytes, at + HEADER, payload.length);
      at += HEADER + payload.length;
    }
    return new PackedCommands(bytes, offsets);
  }

  @Override
  public Command get(int index) {
    int at = offsets[index]; // out of range throws IndexOutOfBoundsException
    int length = getInt(bytes, at + 28);
    byte[] payload = new byte[length];
    System.arraycopy(bytes, at + HEADER, payload, 0, length);
    return new Command(
        getInt(bytes, at),
        getLong(bytes, at + 4),
        getLong(bytes, at + 12),
        getLong(bytes, at + 20),
        payload);
  }

  @Override
  public int size() {
    return offsets.length;
  }

  /** The payload bytes of all the commands. */
  int payloadBytes() {
    return bytes.length - HEADER * offsets.length;
  }

  private static void putInt(byte[] b, int at, int v) {
    b[at] = (byte) (v >>> 24);
    b[at + 1] = (byte) (v >>> 16);
    b[at + 2] = (byte) (v >>> 8);
    b[at + 3] = (byte) v;
  }

  private static void putLong(byte[] b, int at, long v) {
    putInt(b, at, (int) (v >>> 32));
    putInt(b, at + 4, (int) v);
  }

  private static int getInt(byte[] b, int at) {
    return (b[at] & 0xFF) << 24
        | (b[at + 1] & 0xFF) << 16
        | (b[at + 2] & 0xFF) << 8
        | b[at + 3] & 0xFF;
  }

  private static long getLong(byte[] b, int at) {
    return (long) getInt(b, at) << 32 | getInt(b, at + 4) & 0xFFFF_FFFFL;
  }
}
