package io.paxos.examples.oplog;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.AppliedCommand;
import io.paxos.examples.kv.KvCommand;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The text of applied commands: one token per key or value, printable ASCII, bounded length. */
class OpTextTest {
  private static String text(KvCommand c) {
    return OpText.command(c.encode());
  }

  @Test
  void everyCommandHasItsForm() {
    assertThat(text(KvCommand.put("k", "v"))).isEqualTo("PUT k v");
    assertThat(text(KvCommand.put("k", new byte[0]))).isEqualTo("PUT k \"\"");
    assertThat(text(KvCommand.delete("k"))).isEqualTo("DEL k");
    assertThat(text(KvCommand.get("k"))).isEqualTo("GET k");
    assertThat(text(KvCommand.cas("k", Optional.of("-".getBytes()), "v".getBytes())))
        .isEqualTo("CAS k - v");
    assertThat(text(KvCommand.cas("k", Optional.empty(), "v".getBytes()))).isEqualTo("CAS-NEW k v");
    assertThat(text(KvCommand.scan("p", Optional.empty(), 10))).isEqualTo("SCAN p 10");
    assertThat(text(KvCommand.scan("p", Optional.of("q"), 10))).isEqualTo("SCAN-AFTER p q 10");
    assertThat(OpText.command(new byte[] {(byte) 0xEE, 0})).isEqualTo("RAW %EE%00");
    assertThat(OpText.command(new byte[0])).isEqualTo("RAW \"\"");
  }

  @Test
  void separatorsAndControlBytesAreEscapedSoALineNeverBreaks() {
    assertThat(text(KvCommand.put("a b", "x;y#z%w\"\n\r\tü")))
        .isEqualTo("PUT a%20b x%3By%23z%25w%22%0A%0D%09%C3%BC");
    assertThat(OpText.token("\"\"")).isEqualTo("%22%22"); // never mistaken for the empty value
  }

  @Test
  void longTokensBecomeDigestsAtTheLimitAndNotBelow() {
    String limit = "a".repeat(OpText.MAX_TOKEN_CHARS);
    assertThat(OpText.token(limit)).isEqualTo(limit);
    assertThat(OpText.token(limit + "a")).matches("#97:[0-9a-f]{24}");
    assertThat(OpText.token(limit + "b")).isNotEqualTo(OpText.token(limit + "a"));
    // Escaping can push a short value past the limit: 33 spaces are 99 characters escaped.
    assertThat(OpText.token(" ".repeat(33))).matches("#33:[0-9a-f]{24}");
    assertThat(OpText.token(" ".repeat(32))).isEqualTo("%20".repeat(32));
  }

  @Test
  void aSlotJoinsItsCommandsAndDigestsAnOverlongOne() {
    AppliedCommand a = new AppliedCommand(KvCommand.put("a", "1").encode(), new byte[0]);
    AppliedCommand b = new AppliedCommand(KvCommand.delete("a").encode(), new byte[0]);
    assertThat(OpText.slot(List.of(a, b))).isEqualTo("PUT a 1; DEL a");
    byte[] big = KvCommand.put("k".repeat(90), "v".repeat(90)).encode();
    List<AppliedCommand> many =
        java.util.Collections.nCopies(100, new AppliedCommand(big, new byte[0]));
    String text = OpText.slot(many);
    assertThat(text).matches("DIGEST 100 [0-9a-f]{64}");
    assertThat(text.getBytes(StandardCharsets.US_ASCII).length + 21)
        .isLessThan(OpLogReader.MAX_LINE_BYTES);
  }
}
