package io.paxos.core.linearizability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The JSON-lines format: exact lines, round trips, and hostile input rejected with its place. */
class HistoryJsonTest {
  private final HistoryEvent cas =
      HistoryEvent.invokeCas(3, "k1", Optional.empty(), "b").at(1_234_567_890_123L);

  @Test
  void writesTheDocumentedFields() {
    assertThat(HistoryJson.write(HistoryEvent.invokePut(1, "k", "v").at(5)))
        .isEqualTo(
            "{\"process\":1,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\",\"value\":\"v\",\"time_ns\":5}");
    assertThat(HistoryJson.write(cas.ok().at(-7)))
        .isEqualTo(
            "{\"process\":3,\"type\":\"ok\",\"f\":\"cas\",\"key\":\"k1\",\"value\":\"b\","
                + "\"expected\":null,\"time_ns\":-7}");
    HistoryEvent get = HistoryEvent.invokeGet(2, "k");
    assertThat(HistoryJson.write(get)).doesNotContain("value");
    assertThat(HistoryJson.write(get.okRead(Optional.empty()))).contains("\"value\":null");
    assertThat(HistoryJson.write(HistoryEvent.invokeDelete(2, "k").info()))
        .isEqualTo(
            "{\"process\":2,\"type\":\"info\",\"f\":\"delete\",\"key\":\"k\",\"time_ns\":0}");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "plain",
        "quote \" backslash \\ slash /",
        "line\nbreak\ttab\rreturn\b\f",
        "\u0000\u001f\u007f",
        "é ü 中文 😀",
        "lone \ud800 surrogate \udfff",
        "{\"nested\":[1,2]}"
      })
  void everyStringRoundTrips(String s) {
    HistoryEvent event =
        HistoryEvent.invokeCas(Long.MIN_VALUE, s, Optional.of(s), s).at(Long.MAX_VALUE);
    String line = HistoryJson.write(event);
    assertThat(line).doesNotContain("\n", "\r").hasSizeGreaterThan(0);
    assertThat(line.chars().allMatch(c -> !Character.isSurrogate((char) c))).isTrue();
    assertThat(HistoryJson.read(line)).isEqualTo(event);
  }

  @Test
  void readsFieldsInAnyOrderWithSpacesMissingNullsAndUnknownFields() {
    HistoryEvent read =
        HistoryJson.read(
            " { \"time_ns\" : 9 , \"index\": 4, \"extra\": true, \"f\":\"get\", \"key\":\"k\","
                + " \"type\":\"ok\", \"process\":0, \"ratio\": -1.5e3, \"note\": null } ");
    assertThat(read).isEqualTo(HistoryEvent.invokeGet(0, "k").okRead(Optional.empty()).at(9));
    assertThat(
            HistoryJson.read(
                    "{\"process\":1,\"type\":\"invoke\",\"f\":\"put\",\"key\":\"k\","
                        + "\"value\":\"\\u00e9\\/\",\"time_ns\":1}")
                .value())
        .contains("é/");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "[]",
        "{",
        "{}",
        "{\"process\":1}",
        "{\"process\":1.5,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":9223372036854775808,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"OK\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"incr\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":7,\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":null,\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":\"1\"}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"value\":3,\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"cas\",\"key\":\"k\",\"value\":[\"a\",\"b\"],\"time_ns\":1}",
        "{\"process\":1,\"process\":2,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1} x",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1,}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"a\u0001b\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"\\x\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"\\u12\",\"time_ns\":1}",
        "{\"process\":01,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":-,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1}",
        "{\"process\":1,\"type\":\"ok\",\"f\":\"get\",\"key\":\"k\",\"time_ns\":1"
      })
  void rejectsWhatIsNotAnEvent(String line) {
    assertThatThrownBy(() -> HistoryJson.read(line)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aHugeNumberIsRejectedWithoutParsingIt() {
    String digits = "9".repeat(100_000);
    assertThatThrownBy(() -> HistoryJson.read("{\"process\":" + digits + "}"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("number too long");
  }

  @Test
  void theReaderNamesTheBadLineAndSkipsBlankOnes() throws Exception {
    String good = HistoryJson.write(cas);
    assertThat(HistoryReader.read(new StringReader(good + "\r\n\n  \n" + good)))
        .containsExactly(cas, cas);
    assertThatThrownBy(() -> HistoryReader.read(new StringReader(good + "\n\n{oops}\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("line 3: ");
  }

  @Test
  void theReaderRejectsAnOverlongLineWithoutHoldingIt() {
    String longLine = "x".repeat(HistoryReader.MAX_LINE_CHARS + 1);
    assertThatThrownBy(() -> HistoryReader.read(new StringReader("\n" + longLine)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("line 2: longer than " + HistoryReader.MAX_LINE_CHARS + " characters");
  }

  @Test
  void theReaderRejectsMalformedUtf8(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("h.jsonl");
    Files.write(file, new byte[] {'{', (byte) 0xC3, '}'});
    assertThatThrownBy(() -> HistoryReader.read(file))
        .isInstanceOf(java.nio.charset.MalformedInputException.class);
    Files.writeString(file, HistoryJson.write(cas) + "\n", StandardCharsets.UTF_8);
    assertThat(HistoryReader.read(file)).isEqualTo(List.of(cas));
  }
}
