package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Wire#isUtf8} judges every byte string exactly as the JDK's strict decoder does. */
class WireTest {

  @Test
  void isUtf8AgreesWithTheStrictDecoderOnRandomBytes() {
    SplittableRandom random = new SplittableRandom(8);
    // bytes that make up UTF-8 sequences and their edges, so that most strings are near-valid
    int[] pieces = {
      0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1,
      0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF
    };
    int valid = 0;
    for (int i = 0; i < 200_000; i++) {
      byte[] bytes;
      if (random.nextBoolean()) {
        bytes = new byte[random.nextInt(9)];
        for (int j = 0; j < bytes.length; j++) {
          bytes[j] = (byte) pieces[random.nextInt(pieces.length)];
        }
      } else { // valid UTF-8 of random code points, one byte of it sometimes changed
        StringBuilder text = new StringBuilder();
        for (int n = random.nextInt(4); n > 0; n--) {
          int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
          text.appendCodePoint(Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 'x' : cp);
        }
        bytes = text.toString().getBytes(StandardCharsets.UTF_8);
        if (bytes.length > 0 && random.nextBoolean()) {
          bytes[random.nextInt(bytes.length)] = (byte) pieces[random.nextInt(pieces.length)];
        }
      }
      int offset = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
      int length = random.nextInt(bytes.length - offset + 1);
      boolean expected = decodes(bytes, offset, length);
      assertThat(Wire.isUtf8(bytes, offset, length))
          .as("%s from %d, %d bytes", HexFormat.of().formatHex(bytes), offset, length)
          .isEqualTo(expected);
      valid += expected && length > 1 ? 1 : 0;
    }
    assertThat(valid).isGreaterThan(2_000); // multi-byte valid strings were tried, not only errors
  }

  @Test
  void isUtf8AcceptsEveryCodePointAndRefusesSurrogates() {
    for (int cp = 0; cp <= Character.MAX_CODE_POINT; cp++) {
      byte[] bytes;
      if (Character.isSurrogate((char) cp) && cp <= 0xFFFF) {
        // the three bytes a lax encoder would write for a surrogate
        bytes =
            new byte[] {(byte) 0xED, (byte) (0x80 | (cp >> 6) & 0x3F), (byte) (0x80 | cp & 0x3F)};
        assertThat(Wire.isUtf8(bytes, 0, 3)).as("U+%04X", cp).isFalse();
        continue;
      }
      bytes = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
      assertThat(Wire.isUtf8(bytes, 0, bytes.length)).as("U+%04X", cp).isTrue();
    }
  }

  private static boolean decodes(byte[] bytes, int offset, int length) {
    try {
      Wire.decodeUtf8(ByteBuffer.wrap(bytes, offset, length));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
