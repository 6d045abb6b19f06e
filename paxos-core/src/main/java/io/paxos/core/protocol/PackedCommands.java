package io.paxos.core.protocol;

import java.util.AbstractList;
import java.util.RandomAccess;

/**
 * A batch's commands as a list over their one binary form ({@link BatchCodec}), each decoded when
 * it is read. The form is what the wire carries and the log stores, so a batch that came from
 * either is read without encoding it again; and a node keeps every delivered value until a snapshot
 * covers it (up to 64 MiB of commands by default): one array per slot is what young collections
 * copy at memory speed, where two objects per command would be copied one by one. Immutable, so it
 * may back a {@link Value.Batch}; {@link BatchCodec} makes every instance.
 */
final class PackedCommands extends AbstractList<Command> implements RandomAccess {
  private final byte[] bytes;
  private final int[] offsets;
  private final int payloadBytes;

  /**
   * Over {@code bytes}, checked by {@link BatchCodec}: command {@code i} starts at {@code
   * offsets[i]}.
   */
  PackedCommands(byte[] bytes, int[] offsets, int payloadBytes) {
    this.bytes = bytes;
    this.offsets = offsets;
    this.payloadBytes = payloadBytes;
  }

  @Override
  public Command get(int index) {
    return BatchCodec.command(bytes, offsets[index]); // out of range: IndexOutOfBoundsException
  }

  @Override
  public int size() {
    return offsets.length;
  }

  /** The payload bytes of all the commands. */
  int payloadBytes() {
    return payloadBytes;
  }

  /** The binary form, shared: callers must not change it. */
  byte[] bytes() {
    return bytes;
  }
}
