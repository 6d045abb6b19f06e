package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerCertificatesTest {
  @Test
  @DisplayName("paxos://CLUSTER/node/ID names a node; anything else names none")
  void parse() {
    PeerCertificates.Claim c = PeerCertificates.parse("paxos://kv/node/2");
    assertThat(c.names("kv", 2)).isTrue();
    assertThat(c.names("kv", 3)).isFalse();
    assertThat(c.names("other", 2)).isFalse();
    assertThat(PeerCertificates.parse("paxos://my_cluster/node/65535").names("my_cluster", 65535))
        .isTrue();
    String[] notNodes = {
      "paxos://kv/client/app",
      "paxos://kv/node/0",
      "paxos://kv/node/-1",
      "paxos://kv/node/65536",
      "paxos://kv/node/9223372036854775807",
      "paxos://kv/node/02",
      "paxos://kv/node/2/extra",
      "paxos://kv/node/",
      "https://kv/node/2",
      "paxos:///node/2",
      "not a uri",
    };
    for (String uri : notNodes) {
      assertThat(PeerCertificates.parse(uri)).as(uri).isNull();
    }
  }

  @Test
  @DisplayName("a certificate names the one node in its URIs; with two node names it names none")
  void certificates(@TempDir Path dir) throws Exception {
    TestCertificates ca = new TestCertificates(dir, "claims");
    assertThat(PeerCertificates.claim(read(ca.issueNode("kv", 7).certificate())).names("kv", 7))
        .isTrue();
    PeerCertificates.Claim client =
        PeerCertificates.claim(read(ca.issueClient("kv", "app").certificate()));
    assertThat(client.presented()).isTrue();
    assertThat(client.nodeId()).isZero();
    PeerCertificates.Claim two =
        PeerCertificates.claim(
            read(ca.issue("two", "paxos://kv/node/1", "paxos://kv/node/2").certificate()));
    assertThat(two.nodeId()).isZero();
    assertThat(PeerCertificates.claim((javax.net.ssl.SSLSession) null))
        .isEqualTo(PeerCertificates.Claim.NONE);
  }

  private static X509Certificate read(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
