package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.LocalCluster;
import io.paxos.grpc.TestCertificates;
import io.paxos.grpc.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kv} against a cluster with mutual TLS: the TLS flags reach the client. */
class KvTlsTest {
  @Test
  void mutualTlsNeedsTheCaAndAClientCertificate(@TempDir Path dir) throws Exception {
    TestCertificates ca = new TestCertificates(dir, "kv");
    Map<Integer, TlsConfig> tls = new HashMap<>();
    for (int id = 1; id <= 3; id++) {
      TestCertificates.Identity node = ca.issueNode("kvtls", id);
      tls.put(id, TlsConfig.mutual(node.certificate(), node.privateKey(), ca.caFile()));
    }
    TestCertificates.Identity client = ca.issueClient("kvtls", "cli");
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("kvtls", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .tls(id -> Optional.of(tls.get(id)))
            .start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      String[] trusted = {
        "--tls-ca", ca.caFile().toString(),
        "--tls-cert", client.certificate().toString(),
        "--tls-key", client.privateKey().toString(),
        "--timeout", "30s"
      };
      KvRun put = KvRun.run(cluster.endpoints(), new byte[0], with(trusted, "put", "secret", "42"));
      assertThat(put.exit()).as("%s", put).isZero();
      assertThat(put.lines()).containsExactly("OK");
      KvRun get = KvRun.run(cluster.endpoints(), new byte[0], with(trusted, "get", "secret"));
      assertThat(get.lines()).containsExactly("secret = 42");

      KvRun plaintext =
          KvRun.run(cluster.endpoints(), new byte[0], "get", "secret", "--timeout", "1s");
      assertThat(plaintext.exit()).as("%s", plaintext).isEqualTo(Exits.UNREACHABLE);
      assertThat(plaintext.errLines()).hasSize(1);

      KvRun noClientCertificate =
          KvRun.run(
              cluster.endpoints(),
              new byte[0],
              "get",
              "secret",
              "--tls-ca",
              ca.caFile().toString(),
              "--timeout",
              "1s");
      assertThat(noClientCertificate.exit())
          .as("%s", noClientCertificate)
          .isEqualTo(Exits.UNREACHABLE);
      assertThat(noClientCertificate.errLines()).hasSize(1);
    }
  }

  private static String[] with(String[] options, String... args) {
    return Stream.concat(Arrays.stream(args), Arrays.stream(options)).toArray(String[]::new);
  }
}
