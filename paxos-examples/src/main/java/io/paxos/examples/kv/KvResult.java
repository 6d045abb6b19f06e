package io.paxos.examples.kv;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What the {@link KeyValueStore} answers to a {@link KvCommand}: the value found (the current value
 * for {@code GET}, the previous one for {@code PUT}, the removed one for {@code DELETE}), that
 * there was none, or an error for a request it could not carry out (a malformed command, a {@code
 * PUT} sent as a query).
 *
 * <p><b>Encoding</b> ({@link #encode}, {@link #decode}):
 *
 * <pre>
 *   NOT_FOUND = 0x00
 *   FOUND     = 0x01 valueLength value
 *   ERROR     = 0x02 messageLength message (UTF-8)
 * </pre>
 */
public sealed interface KvResult permits KvResult.Found, KvResult.NotFound, KvResult.Error {
  int NOT_FOUND_TAG = 0x00;
  int FOUND_TAG = 0x01;
  int ERROR_TAG = 0x02;

  /** There was no value. */
  NotFound NOT_FOUND = new NotFound();

  byte[] encode();

  /**
   * Read a result written by {@link #encode}.
   *
   * @throws IllegalArgumentException if the bytes are not a well-formed result
   */
  static KvResult decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    Wire.Reader in = new Wire.Reader(bytes, "KV result");
    int tag = in.tag();
    KvResult result;
    if (tag == NOT_FOUND_TAG) {
      result = NOT_FOUND;
    } else if (tag == FOUND_TAG) {
      result = new Found(in.bytes());
    } else if (tag == ERROR_TAG) {
      result = new Error(in.utf8("message"));
    } else {
      throw in.malformed(
          String.format(
              "starts with unknown tag 0x%02X: expected 0x00 (NOT_FOUND), 0x01 (FOUND) or 0x02"
                  + " (ERROR)",
              tag));
    }
    in.end();
    return result;
  }

  /** A value was there. */
  record Found(byte[] value) implements KvResult {
    public Found {
      value = Objects.requireNonNull(value, "value").clone();
    }

    /** A copy of the value. */
    @Override
    public byte[] value() {
      return value.clone();
    }

    /** The value as UTF-8 text. */
    public String text() {
      return new String(value, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] encode() {
      return encode(value);
    }

    /** The encoding of a {@code Found} of {@code value}, without building one. */
    static byte[] encode(byte[] value) {
      return encode(value, 0, value.length);
    }

    /**
     * The encoding of a {@code Found} of {@code length} bytes of {@code source} from {@code
     * offset}.
     */
    static byte[] encode(byte[] source, int offset, int length) {
      return new Wire.Writer(1 + Wire.sizeOf(length))
          .tag(FOUND_TAG)
          .bytes(source, offset, length)
          .toByteArray();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Found f && Arrays.equals(value, f.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "FOUND " + Wire.describe(value);
    }
  }

  /** There was no value. */
  record NotFound() implements KvResult {
    @Override
    public byte[] encode() {
      return new byte[] {NOT_FOUND_TAG};
    }

    @Override
    public String toString() {
      return "NOT_FOUND";
    }
  }

  /** The store did not carry out the request; {@code message} says why. */
  record Error(String message) implements KvResult {
    public Error {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public byte[] encode() {
      byte[] m = Wire.utf8(message, "message");
      return new Wire.Writer(1 + Wire.sizeOf(m.length)).tag(ERROR_TAG).bytes(m).toByteArray();
    }

    @Override
    public String toString() {
      return "ERROR " + message;
    }
  }
}
