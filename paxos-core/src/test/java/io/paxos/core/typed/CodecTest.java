package io.paxos.core.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The ready codecs: round trips, their bounds at the limit and one past it, malformed bytes. */
class CodecTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "a", "héllo wörld", "日本語", "\uD83D\uDE00 emoji", "\u0000nul"})
  void utf8RoundTrips(String value) {
    Codec<String> codec = Codec.utf8();
    byte[] bytes = codec.encode(value);
    assertThat(bytes).isEqualTo(value.getBytes(StandardCharsets.UTF_8));
    assertThat(codec.decode(bytes)).isEqualTo(value);
  }

  @Test
  void utf8RoundTripsRandomCodePoints() {
    SplittableRandom random = new SplittableRandom(18);
    Codec<String> codec = Codec.utf8(4 * 64);
    for (int i = 0; i < 2_000; i++) {
      StringBuilder s = new StringBuilder();
      int length = random.nextInt(65);
      while (s.codePointCount(0, s.length()) < length) {
        int cp = random.nextInt(Character.MAX_CODE_POINT + 1);
        if (cp < Character.MIN_SURROGATE || cp > Character.MAX_SURROGATE) {
          s.appendCodePoint(cp);
        }
      }
      assertThat(codec.decode(codec.encode(s.toString()))).isEqualTo(s.toString());
    }
  }

  @Test
  void utf8TakesExactlyItsBoundAndRefusesOneByteMore() {
    Codec<String> codec = Codec.utf8(4);
    assertThat(codec.maxBytes()).isEqualTo(4);
    assertThat(codec.decode(codec.encode("abcd"))).isEqualTo("abcd");
    assertThat(codec.decode(codec.encode("\uD83D\uDE00"))).isEqualTo("\uD83D\uDE00"); // 4 bytes
    assertThatThrownBy(() -> codec.encode("abcde"))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(CodecException.class)
        .hasMessage(
            "utf8 codec: the string is 5 chars, at least 5 bytes, above the bound of 4 bytes");
    assertThatThrownBy(() -> codec.encode("ab\u00e9é")) // 4 chars, 6 bytes
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("utf8 codec: the string is 6 bytes, above the bound of 4 bytes");
    assertThatThrownBy(() -> codec.decode(new byte[] {'a', 'b', 'c', 'd', 'e'}))
        .isInstanceOf(CodecException.class)
        .hasMessage("utf8 codec: 5 bytes exceed the bound of 4 bytes");
  }

  @Test
  void utf8OfBoundZeroTakesOnlyTheEmptyString() {
    Codec<String> codec = Codec.utf8(0);
    assertThat(codec.encode("")).isEmpty();
    assertThat(codec.decode(new byte[0])).isEmpty();
    assertThatThrownBy(() -> codec.encode("a")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode(new byte[] {'a'})).isInstanceOf(CodecException.class);
  }

  @Test
  void utf8AtTheDefaultBound() {
    Codec<String> codec = Codec.utf8();
    assertThat(codec.maxBytes()).isEqualTo(Codec.DEFAULT_MAX_BYTES).isEqualTo(1 << 20);
    String atBound = "x".repeat(Codec.DEFAULT_MAX_BYTES);
    assertThat(codec.decode(codec.encode(atBound))).hasSize(Codec.DEFAULT_MAX_BYTES);
    assertThatThrownBy(() -> codec.encode(atBound + "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> codec.decode(new byte[Codec.DEFAULT_MAX_BYTES + 1]))
        .isInstanceOf(CodecException.class);
  }

  @Test
  void utf8RefusesANegativeBound() {
    assertThatThrownBy(() -> Codec.utf8(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytes must not be negative, was -1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "c3", // a lead byte with no continuation
        "ff", // never valid in UTF-8
        "80", // a continuation byte alone
        "c080", // an overlong encoding of NUL
        "eda080", // a surrogate (U+D800) encoded directly
        "f4908080", // above U+10FFFF
        "61e282", // truncated after a valid byte
      })
  void utf8RefusesMalformedBytesInsteadOfReplacingThem(String hex) {
    byte[] bytes = java.util.HexFormat.of().parseHex(hex);
    assertThatThrownBy(() -> Codec.utf8().decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("utf8 codec: malformed UTF-8 at or after byte ");
  }

  @Test
  void utf8RefusesAnUnpairedSurrogate() {
    assertThatThrownBy(() -> Codec.utf8().encode("a\uD800b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not valid Unicode");
  }

  @Test
  void nullIsACallerMistake() {
    assertThatThrownBy(() -> Codec.utf8().encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Codec.utf8().decode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Codec.int64().encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Codec.int64().decode(null)).isInstanceOf(NullPointerException.class);
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, -1, 255, 256, Long.MAX_VALUE, Long.MIN_VALUE})
  void int64RoundTripsBigEndian(long value) {
    byte[] bytes = Codec.int64().encode(value);
    assertThat(bytes).isEqualTo(java.nio.ByteBuffer.allocate(8).putLong(value).array());
    assertThat(Codec.int64().decode(bytes)).isEqualTo(value);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 9, 16})
  void int64TakesExactlyEightBytes(int length) {
    assertThatThrownBy(() -> Codec.int64().decode(new byte[length]))
        .isInstanceOf(CodecException.class)
        .hasMessage("int64 codec: needs exactly 8 bytes, got " + length);
  }

  @Test
  void decodingNeverChangesItsInput() {
    byte[] bytes = "abc".getBytes(StandardCharsets.UTF_8);
    Codec.utf8().decode(bytes);
    assertThat(bytes).containsExactly('a', 'b', 'c');
  }

  @Test
  void aSnapshotOfOneValueRestoresThroughReadFrom() throws Exception {
    TypedStateMachine.Snapshot snapshot = TypedStateMachine.Snapshot.of(Codec.int64(), -7L);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    snapshot.writeTo(out);
    snapshot.writeTo(out); // written twice: readFrom must see 16 bytes and refuse them
    byte[] once = java.util.Arrays.copyOf(out.toByteArray(), 8);
    assertThat(Codec.int64().readFrom(new java.io.ByteArrayInputStream(once))).isEqualTo(-7L);
    assertThatThrownBy(
            () -> Codec.int64().readFrom(new java.io.ByteArrayInputStream(out.toByteArray())))
        .isInstanceOf(CodecException.class)
        .hasMessage("int64: the stream holds more than the bound of 8 bytes");
    assertThatThrownBy(() -> TypedStateMachine.Snapshot.of(Codec.utf8(1), "ab"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readFromReadsNoMoreThanOneBytePastTheBound() {
    java.io.InputStream endless =
        new java.io.InputStream() {
          long served;

          @Override
          public int read() {
            served++;
            return 'x';
          }
        };
    assertThatThrownBy(() -> Codec.utf8(1 << 10).readFrom(endless))
        .isInstanceOf(CodecException.class)
        .hasMessage("utf8(1024): the stream holds more than the bound of 1024 bytes");
  }

  @Test
  void readFromTakesAStreamAtTheBoundAndAnEmptyOne() throws Exception {
    assertThat(Codec.utf8(3).readFrom(new java.io.ByteArrayInputStream(new byte[] {'a', 'b', 'c'})))
        .isEqualTo("abc");
    assertThat(Codec.utf8(3).readFrom(java.io.InputStream.nullInputStream())).isEmpty();
    assertThatThrownBy(() -> Codec.int64().readFrom(java.io.InputStream.nullInputStream()))
        .isInstanceOf(CodecException.class);
  }
}
