package io.paxos.core.typed;

import java.util.Objects;

/** A {@code long} as exactly 8 big-endian bytes. */
final class Int64Codec implements Codec<Long> {
  static final Int64Codec INSTANCE = new Int64Codec();

  private Int64Codec() {}

  @Override
  public byte[] encode(Long value) {
    long v = Objects.requireNonNull(value, "value");
    byte[] out = new byte[Long.BYTES];
    for (int i = Long.BYTES - 1; i >= 0; i--) {
      out[i] = (byte) v;
      v >>>= 8;
    }
    return out;
  }

  @Override
  public Long decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != Long.BYTES) {
      throw new CodecException(
          "int64 codec: needs exactly " + Long.BYTES + " bytes, got " + bytes.length);
    }
    long v = 0;
    for (byte b : bytes) {
      v = (v << 8) | (b & 0xFF);
    }
    return v;
  }

  @Override
  public int maxBytes() {
    return Long.BYTES;
  }

  @Override
  public String toString() {
    return "int64";
  }
}
