package io.paxos.core.typed;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/** Strings as strict UTF-8: malformed input is refused both ways, never replaced. */
final class Utf8Codec implements Codec<String> {
  private final int maxBytes;

  Utf8Codec(int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative, was " + maxBytes);
    }
    this.maxBytes = maxBytes;
  }

  @Override
  public byte[] encode(String value) {
    Objects.requireNonNull(value, "value");
    // Every char takes at least one byte: refuse a string that cannot fit before encoding it.
    if (value.length() > maxBytes) {
      throw tooLong(value.length() + " chars, at least " + value.length() + " bytes");
    }
    CharsetEncoder encoder =
        StandardCharsets.UTF_8
            .newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer bytes;
    try {
      bytes = encoder.encode(CharBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          "utf8 codec: the string is not valid Unicode (an unpaired surrogate?): " + e, e);
    }
    if (bytes.remaining() > maxBytes) {
      throw tooLong(bytes.remaining() + " bytes");
    }
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    return out;
  }

  private IllegalArgumentException tooLong(String size) {
    return new IllegalArgumentException(
        "utf8 codec: the string is " + size + ", above the bound of " + maxBytes + " bytes");
  }

  @Override
  public String decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length > maxBytes) {
      throw CodecException.tooLarge("utf8 codec", bytes.length, maxBytes);
    }
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    try {
      return decoder.decode(in).toString();
    } catch (CharacterCodingException e) {
      throw new CodecException(
          "utf8 codec: malformed UTF-8 at or after byte " + in.position() + " of " + bytes.length,
          e);
    }
  }

  @Override
  public int maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "utf8(" + maxBytes + ")";
  }
}
