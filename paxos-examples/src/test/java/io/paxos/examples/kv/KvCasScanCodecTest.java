package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The encodings of CAS and SCAN, their results, and the key limit every command enforces. */
class KvCasScanCodecTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void casAndScanRoundTrip() {
    List<KvCommand> commands =
        List.of(
            KvCommand.cas("k", Optional.of(utf8("old")), utf8("new")),
            KvCommand.cas("k", Optional.empty(), utf8("first")),
            KvCommand.cas("", Optional.of(new byte[0]), new byte[0]),
            KvCommand.scan("user", Optional.empty(), 10),
            KvCommand.scan("", Optional.of("user5"), KvCommand.MAX_SCAN_LIMIT),
            KvCommand.scan("ключ", Optional.of(""), 1));
    for (KvCommand c : commands) {
      assertThat(KvCommand.decode(c.encode())).as(c.toString()).isEqualTo(c);
    }
  }

  @Test
  void casAndScanEncodingsAreFixed() {
    assertThat(KvCommand.cas("k", Optional.of(utf8("a")), utf8("b")).encode())
        .containsExactly(0x04, 0x01, 'k', 0x01, 0x01, 'a', 0x01, 'b');
    assertThat(KvCommand.cas("k", Optional.empty(), utf8("b")).encode())
        .containsExactly(0x04, 0x01, 'k', 0x00, 0x01, 'b');
    assertThat(KvCommand.scan("u", Optional.empty(), 300).encode())
        .containsExactly(0x05, 0x01, 'u', 0x00, 0xAC, 0x02);
    assertThat(KvCommand.scan("u", Optional.of("u1"), 2).encode())
        .containsExactly(0x05, 0x01, 'u', 0x01, 0x02, 'u', '1', 0x02);
  }

  @Test
  void newResultsRoundTrip() {
    List<KvResult> results =
        List.of(
            new KvResult.CasOutcome(true, Optional.of(utf8("old"))),
            new KvResult.CasOutcome(false, Optional.empty()),
            new KvResult.Entries(List.of(), false),
            new KvResult.Entries(
                List.of(
                    new KvResult.Entry("a", utf8("1")), new KvResult.Entry("ключ", new byte[0])),
                true));
    for (KvResult r : results) {
      assertThat(KvResult.decode(r.encode())).as(r.toString()).isEqualTo(r);
    }
  }

  @Test
  void keysAreBoundedAtTheLimitInBytesOfUtf8() {
    String atLimit = "k".repeat(KvCommand.MAX_KEY_BYTES);
    assertThat(KvCommand.decode(KvCommand.put(atLimit, "v").encode()).key()).isEqualTo(atLimit);
    String multiByteAtLimit = "я".repeat(KvCommand.MAX_KEY_BYTES / 2); // 2 bytes each
    assertThat(KvCommand.get(multiByteAtLimit).key()).isEqualTo(multiByteAtLimit);
    for (String over :
        List.of(
            "k".repeat(KvCommand.MAX_KEY_BYTES + 1),
            "я".repeat(KvCommand.MAX_KEY_BYTES / 2) + "k",
            "🙂".repeat(KvCommand.MAX_KEY_BYTES / 4 + 1))) {
      assertThatThrownBy(() -> KvCommand.get(over))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exceeds the limit of " + KvCommand.MAX_KEY_BYTES);
      assertThatThrownBy(() -> KvCommand.scan(over, Optional.empty(), 1))
          .isInstanceOf(IllegalArgumentException.class);
    }
    // Hostile bytes: a PUT whose key is one byte over the limit does not decode.
    byte[] longer = new byte[3 + KvCommand.MAX_KEY_BYTES + 2];
    longer[0] = KvCommand.PUT_TAG;
    longer[1] = (byte) 0x81; // 1025 = 0x401 -> 81 08
    longer[2] = 0x08;
    java.util.Arrays.fill(longer, 3, 3 + KvCommand.MAX_KEY_BYTES + 1, (byte) 'k');
    longer[3 + KvCommand.MAX_KEY_BYTES + 1] = 0x00; // empty value
    assertThatThrownBy(() -> KvCommand.decode(longer)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void scanLimitsAreBounded() {
    for (int bad : new int[] {0, -1, KvCommand.MAX_SCAN_LIMIT + 1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> KvCommand.scan("", Optional.empty(), bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("limit must be between 1 and " + KvCommand.MAX_SCAN_LIMIT);
    }
    // On the wire: 0, limit + 1 and a 6-byte varint are refused.
    assertThatThrownBy(() -> KvCommand.decode(new byte[] {0x05, 0x00, 0x00, 0x00}))
        .hasMessageContaining("limit 0");
    assertThatThrownBy(() -> KvCommand.decode(new byte[] {0x05, 0x00, 0x00, (byte) 0xE9, 0x07}))
        .hasMessageContaining("limit 1001");
    assertThatThrownBy(
            () ->
                KvCommand.decode(
                    new byte[] {
                      0x05,
                      0x00,
                      0x00,
                      (byte) 0xFF,
                      (byte) 0xFF,
                      (byte) 0xFF,
                      (byte) 0xFF,
                      (byte) 0xFF,
                      0x01
                    }))
        .hasMessageContaining("longer than 5 bytes");
    assertThatThrownBy(() -> KvCommand.decode(new byte[] {0x05, 0x00, 0x02, 0x01}))
        .hasMessageContaining("hasAfter 2");
    assertThatThrownBy(() -> KvCommand.decode(new byte[] {0x04, 0x00, 0x07, 0x00}))
        .hasMessageContaining("expectsValue 7");
  }
}
