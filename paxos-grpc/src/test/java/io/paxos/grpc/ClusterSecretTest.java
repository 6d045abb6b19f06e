package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {
  private static final byte[] SN = new byte[16];
  private static final byte[] CN = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

  @Test
  @DisplayName("a proof depends on the secret and on every field it covers")
  void proofsBindEveryField() {
    ClusterSecret s = ClusterSecret.of("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    byte[] p = s.helloProof("kv", "f", 1, 2, SN, CN);
    assertThat(p).hasSize(ClusterSecret.PROOF_BYTES);
    assertThat(s.helloProof("kv", "f", 1, 2, SN, CN)).isEqualTo(p);
    byte[][] others = {
      ClusterSecret.of("0123456789abcdeF".getBytes(StandardCharsets.US_ASCII))
          .helloProof("kv", "f", 1, 2, SN, CN),
      s.helloProof("kv2", "f", 1, 2, SN, CN),
      s.helloProof("kv", "g", 1, 2, SN, CN),
      s.helloProof("kv", "f", 3, 2, SN, CN),
      s.helloProof("kv", "f", 1, 3, SN, CN),
      s.helloProof("kv", "f", 1, 2, CN, CN),
      s.helloProof("kv", "f", 1, 2, SN, SN),
      s.welcomeProof("kv", "f", 1, 2, SN, CN),
      // length prefixes: moving a byte from one field to the next changes the proof
      s.helloProof("k", "vf", 1, 2, SN, CN),
    };
    for (byte[] other : others) {
      assertThat(ClusterSecret.matches(p, other)).isFalse();
    }
  }

  @Test
  @DisplayName("a secret shorter than 16 bytes, or an unreadable file, is refused with what to do")
  void validation(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ClusterSecret.of(new byte[15]))
        .hasMessageContaining("15 bytes")
        .hasMessageContaining("openssl rand");
    Path file = dir.resolve("secret");
    Files.writeString(file, "  0123456789abcdef0123456789abcdef\n");
    ClusterSecret fromFile = ClusterSecret.fromFile(file);
    assertThat(fromFile.helloProof("kv", "f", 1, 2, SN, CN))
        .isEqualTo(
            ClusterSecret.of("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII))
                .helloProof("kv", "f", 1, 2, SN, CN));
    assertThat(fromFile.toString()).doesNotContain("0123");
    assertThatThrownBy(() -> ClusterSecret.fromFile(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot read the cluster secret file");
  }
}
