package io.paxos.examples.kv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The primitives of the KV encodings: one-byte tags, unsigned LEB128 lengths ({@code varint}: one
 * byte below 128) and length-prefixed byte strings. Strict on reading: every malformed input is an
 * {@link IllegalArgumentException} naming what is wrong and where.
 */
final class Wire {
  private Wire() {}

  /** Builds an encoding in a growable array. */
  static final class Writer {
    private byte[] bytes;
    private int size;

    Writer(int expectedSize) {
      bytes = new byte[expectedSize];
    }

    Writer tag(int tag) {
      ensure(1);
      bytes[size++] = (byte) tag;
      return this;
    }

    Writer varint(int value) {
      ensure(5);
      int v = value;
      while ((v & ~0x7F) != 0) {
        bytes[size++] = (byte) ((v & 0x7F) | 0x80);
        v >>>= 7;
      }
      bytes[size++] = (byte) v;
      return this;
    }

    /** A length-prefixed byte string. */
    Writer bytes(byte[] value) {
      return bytes(value, 0, value.length);
    }

    /**
     * A length-prefixed byte string: {@code length} bytes of {@code source} from {@code offset}.
     */
    Writer bytes(byte[] source, int offset, int length) {
      varint(length);
      ensure(length);
      System.arraycopy(source, offset, bytes, size, length);
      size += length;
      return this;
    }

    /** The encoding; the writer's own array when it was sized exactly (see {@link #sizeOf}). */
    byte[] toByteArray() {
      return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
      if (size + more > bytes.length) {
        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
      }
    }
  }

  /** Reads an encoding from the front, refusing anything malformed. */
  static final class Reader {
    private final byte[] bytes;
    private final String what;
    private int pos;

    /**
     * @param what what is being read, for error messages ("KV command")
     */
    Reader(byte[] bytes, String what) {
      this.bytes = bytes;
      this.what = what;
    }

    int tag() {
      if (pos >= bytes.length) {
        throw malformed("is empty");
      }
      return bytes[pos++] & 0xFF;
    }

    /** A varint length, at most the bytes left. */
    int length() {
      int start = pos;
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= bytes.length) {
          throw malformed("ends inside the length at byte " + start);
        }
        if (shift > 28) {
          throw malformed("has a length longer than 5 bytes at byte " + start);
        }
        int b = bytes[pos++] & 0xFF;
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (value > bytes.length - pos) {
        throw malformed(
            "declares "
                + value
                + " bytes at byte "
                + start
                + " but only "
                + (bytes.length - pos)
                + " follow");
      }
      return (int) value;
    }

    /**
     * Skips {@code n} bytes and returns the position of the first; {@code n} must be at most the
     * bytes left, as a {@link #length} read just before is.
     */
    int skip(int n) {
      int start = pos;
      pos += n;
      return start;
    }

    /** A length-prefixed byte string, copied out. */
    byte[] bytes() {
      int n = length();
      byte[] value = Arrays.copyOfRange(bytes, pos, pos + n);
      pos += n;
      return value;
    }

    /** A length-prefixed string, which must be valid UTF-8. */
    String utf8(String field) {
      int start = pos;
      int n = length();
      if (isAscii(bytes, pos, n)) {
        String s = new String(bytes, pos, n, StandardCharsets.US_ASCII);
        pos += n;
        return s;
      }
      try {
        String s = decodeUtf8(ByteBuffer.wrap(bytes, pos, n));
        pos += n;
        return s;
      } catch (CharacterCodingException e) {
        throw malformed("has a " + field + " that is not valid UTF-8 at byte " + start);
      }
    }

    /** A flag byte: 0 or 1. */
    boolean flag(String field) {
      int at = pos;
      int b = tag();
      if (b > 1) {
        throw malformed("has " + field + " " + b + " at byte " + at + ", not 0 or 1");
      }
      return b == 1;
    }

    /** A varint count from 1 to {@code max}. */
    int count(String field, int max) {
      int start = pos;
      long value = 0;
      for (int shift = 0; ; shift += 7) {
        if (pos >= bytes.length) {
          throw malformed("ends inside the " + field + " at byte " + start);
        }
        if (shift > 28) {
          throw malformed("has a " + field + " longer than 5 bytes at byte " + start);
        }
        int b = bytes[pos++] & 0xFF;
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          break;
        }
      }
      if (value < 1 || value > max) {
        throw malformed(
            "has " + field + " " + value + " at byte " + start + ", not between 1 and " + max);
      }
      return (int) value;
    }

    void end() {
      if (pos != bytes.length) {
        throw malformed("has " + (bytes.length - pos) + " unexpected bytes after byte " + pos);
      }
    }

    IllegalArgumentException malformed(String problem) {
      return new IllegalArgumentException(
          "malformed " + what + " (" + bytes.length + " bytes) " + problem);
    }
  }

  /** The size of a length-prefixed byte string of {@code length} bytes. */
  static int sizeOf(int length) {
    int varint = 1;
    for (int v = length >>> 7; v != 0; v >>>= 7) {
      varint++;
    }
    return varint + length;
  }

  /**
   * Whether {@code length} bytes of {@code bytes} from {@code offset} are valid UTF-8, exactly as
   * {@link #decodeUtf8} judges them (no overlong forms, no encoded surrogates, nothing above
   * U+10FFFF, no truncated sequence), without decoding them.
   */
  static boolean isUtf8(byte[] bytes, int offset, int length) {
    int i = offset;
    int end = offset + length;
    while (i < end) {
      int b = bytes[i];
      if (b >= 0) {
        i++;
        continue;
      }
      b &= 0xFF;
      int n; // continuation bytes
      int min = 0x80; // the bounds of the first continuation byte
      int max = 0xBF;
      if (b >= 0xC2 && b <= 0xDF) {
        n = 1;
      } else if (b >= 0xE0 && b <= 0xEF) {
        n = 2;
        if (b == 0xE0) {
          min = 0xA0; // overlong below
        } else if (b == 0xED) {
          max = 0x9F; // surrogates above
        }
      } else if (b >= 0xF0 && b <= 0xF4) {
        n = 3;
        if (b == 0xF0) {
          min = 0x90; // overlong below
        } else if (b == 0xF4) {
          max = 0x8F; // above U+10FFFF
        }
      } else {
        return false; // a continuation byte, an overlong lead (C0, C1) or F5..FF
      }
      if (end - i <= n) {
        return false;
      }
      int first = bytes[i + 1] & 0xFF;
      if (first < min || first > max) {
        return false;
      }
      for (int k = 2; k <= n; k++) {
        if ((bytes[i + k] & 0xC0) != 0x80) {
          return false;
        }
      }
      i += n + 1;
    }
    return true;
  }

  private static boolean isAscii(byte[] bytes, int offset, int length) {
    for (int i = offset; i < offset + length; i++) {
      if (bytes[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** Strict UTF-8 decoding: malformed input is an error, never a replacement character. */
  static String decodeUtf8(ByteBuffer bytes) throws CharacterCodingException {
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(bytes)
        .toString();
  }

  /** {@code s} as UTF-8, refusing strings that UTF-8 cannot carry (unpaired surrogates). */
  static byte[] utf8(String s, String field) {
    if (!hasSurrogate(s)) {
      return s.getBytes(StandardCharsets.UTF_8); // exact: only surrogates can be unencodable
    }
    try {
      ByteBuffer b =
          StandardCharsets.UTF_8
              .newEncoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .encode(CharBuffer.wrap(s));
      return Arrays.copyOfRange(
          b.array(), b.arrayOffset() + b.position(), b.arrayOffset() + b.limit());
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(
          field + " is not valid Unicode (it has an unpaired surrogate): " + e.getMessage());
    }
  }

  /** The number of bytes of {@code s} in UTF-8 (an unpaired surrogate counting 3, as '?'). */
  static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /** Refuse {@code s} if UTF-8 cannot carry it (an unpaired surrogate), without encoding it. */
  static void checkUtf8(String s, String field) {
    if (hasSurrogate(s)) {
      utf8(s, field);
    }
  }

  private static boolean hasSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isSurrogate(s.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A short, printable description of a value: its text if it is printable UTF-8, else its size.
   */
  static String describe(byte[] value) {
    String text = new String(value, StandardCharsets.UTF_8);
    boolean printable =
        value.length <= 64
            && Arrays.equals(text.getBytes(StandardCharsets.UTF_8), value)
            && text.codePoints().noneMatch(Character::isISOControl);
    return printable ? '"' + text + '"' : value.length + " bytes";
  }
}
