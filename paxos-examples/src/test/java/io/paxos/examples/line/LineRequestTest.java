package io.paxos.examples.line;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.examples.kv.KvCommand;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The line protocol's grammar: what is a request, and that anything else is an ERR, not a crash.
 */
class LineRequestTest {

  private static LineRequest parse(String text) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    return LineRequest.parse(b, b.length);
  }

  private static String refusal(byte[] b) {
    try {
      LineRequest r = LineRequest.parse(b, b.length);
      r.command();
      throw new AssertionError("accepted " + r);
    } catch (LineProtocolException e) {
      assertThat(e.getMessage()).doesNotContain("\n").isNotBlank();
      return e.getMessage();
    }
  }

  private static String refusal(String text) {
    return refusal(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void readsTheThreeVerbsWithOrWithoutALineEnd() {
    assertThat(parse("PUT k v\n")).isEqualTo(new LineRequest(LineRequest.Verb.PUT, "k", "v"));
    assertThat(parse("PUT k v\r\n")).isEqualTo(new LineRequest(LineRequest.Verb.PUT, "k", "v"));
    assertThat(parse("put k hello world"))
        .isEqualTo(new LineRequest(LineRequest.Verb.PUT, "k", "hello world"));
    assertThat(parse("PUT k ")).isEqualTo(new LineRequest(LineRequest.Verb.PUT, "k", ""));
    assertThat(parse("GET k\n")).isEqualTo(new LineRequest(LineRequest.Verb.GET, "k", ""));
    assertThat(parse("del \u00e9t\u00e9"))
        .isEqualTo(new LineRequest(LineRequest.Verb.DEL, "\u00e9t\u00e9", ""));
    assertThat(parse("PUT k a\tb").value()).isEqualTo("a\tb");
  }

  @Test
  void refusesEmptyAndTruncatedRequests() {
    assertThat(refusal(new byte[0])).startsWith("empty request");
    assertThat(refusal("\n")).contains("unknown request ''");
    assertThat(refusal("PU")).contains("unknown request 'PU'");
    assertThat(refusal("PUT")).contains("PUT needs a key and a value");
    assertThat(refusal("PUT k")).contains("PUT needs a key and a value");
    assertThat(refusal("PUT  v")).contains("the key is empty");
    assertThat(refusal("GET")).contains("GET needs a key");
    assertThat(refusal("GET ")).contains("the key is empty");
    assertThat(refusal("DEL a b")).contains("DEL takes one key");
    assertThat(refusal("GET k\n\n")).contains("more than one line");
    assertThat(refusal("PUT a 1\nPUT b 2\n")).contains("more than one line");
  }

  @Test
  void refusesBinaryAndNonUtf8() {
    assertThat(refusal(new byte[] {'G', 'E', 'T', ' ', (byte) 0xC3})).contains("not valid UTF-8");
    assertThat(refusal(new byte[] {'G', 'E', 'T', ' ', (byte) 0xFF, 'k'}))
        .contains("not valid UTF-8");
    assertThat(refusal(new byte[] {'G', 'E', 'T', ' ', 'k', 0}))
        .contains("control character U+0000");
    assertThat(refusal("PUT k a\rb")).contains("control character U+000D");
    assertThat(refusal(new byte[] {0, 0, 0, 0})).contains("control character");
  }

  @Test
  void anyBytesAtAllAreARequestOrARefusalNeverAnotherException() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[random.nextInt(40)];
      random.nextBytes(b);
      if (random.nextBoolean() && b.length > 4) {
        System.arraycopy("PUT ".getBytes(StandardCharsets.US_ASCII), 0, b, 0, 4);
      }
      try {
        LineRequest.parse(b, b.length).command().encode();
      } catch (LineProtocolException e) {
        assertThat(e.getMessage()).doesNotContain("\n");
      }
    }
  }

  @Test
  void takesARequestOfExactlyTheLimitAndRefusesOneByteMore() {
    String head = "PUT k ";
    byte[] atLimit = new byte[LineRequest.MAX_BYTES];
    Arrays.fill(atLimit, (byte) 'v');
    System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, atLimit, 0, head.length());
    atLimit[atLimit.length - 1] = '\n';
    LineRequest r = LineRequest.parse(atLimit, atLimit.length);
    assertThat(r.value()).hasSize(LineRequest.MAX_BYTES - head.length() - 1);

    byte[] over = Arrays.copyOf(atLimit, LineRequest.MAX_BYTES + 1);
    over[over.length - 2] = 'v';
    over[over.length - 1] = '\n';
    assertThat(refusal(over))
        .isEqualTo(
            "request of "
                + (LineRequest.MAX_BYTES + 1)
                + " bytes is over the limit of "
                + LineRequest.MAX_BYTES
                + " bytes");
  }

  @Test
  void takesAKeyOfTheLimitAndRefusesOneByteMore() {
    String key = "k".repeat(KvCommand.MAX_KEY_BYTES);
    assertThat(parse("GET " + key).key()).isEqualTo(key);
    assertThat(refusal("GET " + key + "k"))
        .contains("over the limit of " + KvCommand.MAX_KEY_BYTES);
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 5})
  void refusesALengthOutsideTheArray(int length) {
    assertThatThrownBy(() -> LineRequest.parse(new byte[4], length))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsBoundedLines() throws Exception {
    byte[] input = "GET a\nPUT b c\nlast".getBytes(StandardCharsets.UTF_8);
    LineReader lines = new LineReader(new ByteArrayInputStream(input), 8);
    assertThat(new String(lines.next(), StandardCharsets.UTF_8)).isEqualTo("GET a\n");
    assertThat(new String(lines.next(), StandardCharsets.UTF_8)).isEqualTo("PUT b c\n");
    assertThat(new String(lines.next(), StandardCharsets.UTF_8)).isEqualTo("last");
    assertThat(lines.next()).isNull();

    LineReader bounded = new LineReader(new ByteArrayInputStream(new byte[1000]), 8);
    byte[] cut = bounded.next();
    assertThat(cut).hasSize(9);
    assertThat(bounded.tooLong(cut)).isTrue();
    LineReader exact =
        new LineReader(new ByteArrayInputStream("1234567\n".getBytes(StandardCharsets.UTF_8)), 8);
    byte[] line = exact.next();
    assertThat(exact.tooLong(line)).isFalse();
  }
}
