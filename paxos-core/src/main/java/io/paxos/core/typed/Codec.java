package io.paxos.core.typed;

import java.io.IOException;
import java.io.InputStream;

/**
 * Turns values of one application type into bytes and back, for commands, results and queries that
 * the byte API ({@link io.paxos.core.StateMachine}, {@code PaxosNode}) carries.
 *
 * <p><b>Contract.</b> {@code decode(encode(v))} equals {@code v} for every value the codec accepts,
 * and both directions are deterministic: every replica decodes the same command from the same
 * bytes, so a codec must not depend on the clock, the locale, the default charset or a hash order.
 *
 * <p><b>Bounds and failures.</b> A codec has a largest encoding it accepts, {@link #maxBytes()}.
 * {@link #encode} throws {@link IllegalArgumentException} for a value it cannot encode within that
 * bound (the caller's mistake, thrown before anything is sent) and {@link NullPointerException} for
 * null. {@link #decode} throws {@link CodecException} for bytes that are not an encoding of a value
 * (malformed, truncated, or larger than the bound), and never reads past the array it is given.
 *
 * <p><b>Threading.</b> Implementations are immutable and used from many threads at once: the
 * caller's thread encodes a command, the node's apply thread decodes it and encodes the result, and
 * the thread that completes the caller's future decodes the result.
 *
 * @param <T> the application type
 */
public interface Codec<T> {

  /**
   * {@return the bytes of {@code value}; a new array the caller owns}
   *
   * @param value the value to encode; not null
   * @throws NullPointerException if {@code value} is null
   * @throws IllegalArgumentException if the encoding would be larger than {@link #maxBytes()}, or
   *     the value cannot be encoded (e.g. a string with an unpaired surrogate)
   */
  byte[] encode(T value);

  /**
   * {@return the value {@code bytes} encode; the array is not changed or kept}
   *
   * @param bytes an encoding written by {@link #encode}; not null
   * @throws NullPointerException if {@code bytes} is null
   * @throws CodecException if {@code bytes} is not an encoding of a value of this codec
   */
  T decode(byte[] bytes);

  /** {@return the largest encoding this codec writes or reads, in bytes} */
  int maxBytes();

  /**
   * {@return the value encoded in the rest of {@code in}, read to its end but never more than
   * {@link #maxBytes()} + 1 bytes into memory: for a snapshot written with {@link
   * TypedStateMachine.Snapshot#of}, in {@link TypedStateMachine#restore}}
   *
   * @param in the stream, read to its end; the caller closes it
   * @throws CodecException if the stream holds more than {@link #maxBytes()} bytes, or the bytes
   *     are not an encoding of a value
   * @throws IOException if reading fails
   */
  default T readFrom(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(maxBytes() == Integer.MAX_VALUE ? maxBytes() : maxBytes() + 1);
    if (bytes.length > maxBytes() || (bytes.length == Integer.MAX_VALUE && in.read() != -1)) {
      throw new CodecException(
          this + ": the stream holds more than the bound of " + maxBytes() + " bytes");
    }
    return decode(bytes);
  }

  /**
   * {@return strings as UTF-8, of at most {@value #DEFAULT_MAX_BYTES} bytes} Decoding rejects
   * malformed UTF-8 rather than replacing it, so that a corrupted command never turns into a
   * different valid one.
   */
  static Codec<String> utf8() {
    return new Utf8Codec(DEFAULT_MAX_BYTES);
  }

  /**
   * {@return strings as UTF-8, of at most {@code maxBytes} encoded bytes} Decoding rejects
   * malformed UTF-8, as {@link #utf8()} does.
   *
   * @param maxBytes the largest encoding, in bytes, from 0 to {@link Integer#MAX_VALUE}
   * @throws IllegalArgumentException if {@code maxBytes} is negative
   */
  static Codec<String> utf8(int maxBytes) {
    return new Utf8Codec(maxBytes);
  }

  /** {@return a {@code long} as 8 bytes, big-endian; decoding takes exactly 8 bytes} */
  static Codec<Long> int64() {
    return Int64Codec.INSTANCE;
  }

  /**
   * The default bound of the codecs here: 1 MiB, the default largest command of {@code
   * ProtocolOptions}. A codec bound above the node's largest command only moves the refusal from
   * {@link #encode} to {@code submit}.
   */
  int DEFAULT_MAX_BYTES = 1 << 20;
}
