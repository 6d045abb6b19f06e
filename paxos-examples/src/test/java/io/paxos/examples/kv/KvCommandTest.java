package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvCommandTest {

  @Test
  void commandsRoundTrip() {
    byte[] binary = new byte[300];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (255 - i);
    }
    byte[] large = new byte[70_000];
    Arrays.fill(large, (byte) 7);
    List<KvCommand> commands =
        List.of(
            KvCommand.put("k", "v1"),
            KvCommand.put("", ""),
            KvCommand.put("ключ/日本/🙂", "значение"),
            KvCommand.put("binary", binary),
            KvCommand.put("x".repeat(200), large),
            KvCommand.delete("k"),
            KvCommand.delete("ключ"),
            KvCommand.get("k"),
            KvCommand.get(""));
    for (KvCommand c : commands) {
      assertThat(KvCommand.decode(c.encode())).as(c.toString()).isEqualTo(c);
    }
  }

  @Test
  void encodingIsCompactAndFixed() {
    assertThat(KvCommand.put("k", "v1").encode()).containsExactly(0x01, 0x01, 'k', 0x02, 'v', '1');
    assertThat(KvCommand.delete("k").encode()).containsExactly(0x02, 0x01, 'k');
    assertThat(KvCommand.get("ab").encode()).containsExactly(0x03, 0x02, 'a', 'b');
    // A 300-byte value has a two-byte varint length: 300 = 0b10_0101100 -> AC 02.
    byte[] put = KvCommand.put("k", new byte[300]).encode();
    assertThat(put).hasSize(1 + 1 + 1 + 2 + 300);
    assertThat(Arrays.copyOfRange(put, 3, 5)).containsExactly(0xAC, 0x02);
  }

  @Test
  void resultsRoundTrip() {
    List<KvResult> results =
        List.of(
            KvResult.NOT_FOUND,
            new KvResult.Found("v".getBytes(StandardCharsets.UTF_8)),
            new KvResult.Found(new byte[0]),
            new KvResult.Found(new byte[1000]),
            new KvResult.Error("something went wrong: ü"));
    for (KvResult r : results) {
      assertThat(KvResult.decode(r.encode())).as(r.toString()).isEqualTo(r);
    }
    assertThat(KvResult.NOT_FOUND.encode()).containsExactly(0x00);
  }

  @Test
  void valuesAreCopiedSoCallersCannotChangeACommand() {
    byte[] value = {1, 2, 3};
    KvCommand.Put put = KvCommand.put("k", value);
    value[0] = 9;
    put.value()[1] = 9;
    assertThat(put.value()).containsExactly(1, 2, 3);
  }

  @Test
  void malformedCommandsAreRefusedWithTheReason() {
    assertMalformed(new byte[0], "is empty");
    assertMalformed(new byte[] {0x7F, 0x01, 'k'}, "unknown tag 0x7F");
    assertMalformed(new byte[] {0x01}, "ends inside the length at byte 1");
    assertMalformed(new byte[] {0x01, 0x05, 'k'}, "declares 5 bytes at byte 1 but only 1 follow");
    assertMalformed(new byte[] {0x01, 0x01, 'k'}, "ends inside the length at byte 3");
    assertMalformed(new byte[] {0x01, 0x01, 'k', 0x03, 'v'}, "declares 3 bytes");
    assertMalformed(new byte[] {0x02, 0x01, 'k', 'x'}, "1 unexpected bytes after byte 3");
    assertMalformed(new byte[] {0x03, 0x02, (byte) 0xC3, 0x28}, "key that is not valid UTF-8");
    assertMalformed(
        new byte[] {0x03, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00},
        "longer than 5 bytes");
    assertThatThrownBy(() -> KvCommand.decode(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void keysThatUtf8CannotCarryAreRefused() {
    assertThatThrownBy(() -> KvCommand.put("\uD800", "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unpaired surrogate");
  }

  private static void assertMalformed(byte[] bytes, String reason) {
    assertThatThrownBy(() -> KvCommand.decode(bytes))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("malformed KV command")
        .hasMessageContaining(reason);
  }
}
