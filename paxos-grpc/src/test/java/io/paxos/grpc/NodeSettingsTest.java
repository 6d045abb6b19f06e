package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NodeSettingsTest {
  private static final String MEMBERS = "1=127.0.0.1:9001,2=127.0.0.1:9002,3=[::1]:9003";

  @Test
  void parsesACompleteCommandLine() {
    NodeSettings s =
        NodeSettings.parse(
            "--cluster",
            "kv",
            "--id",
            "2",
            "--members",
            MEMBERS,
            "--state-machine",
            "a.B",
            "--listen",
            "127.0.0.1",
            "--data-dir",
            "/tmp/n2");

    assertThat(s.clusterId()).isEqualTo("kv");
    assertThat(s.nodeId()).isEqualTo(2);
    assertThat(s.self()).isEqualTo(new Endpoint("127.0.0.1", 9002));
    assertThat(s.members()).containsEntry(3, new Endpoint("::1", 9003)).hasSize(3);
    assertThat(s.config().ids()).containsExactly(1, 2, 3);
    assertThat(s.listenHost()).isEqualTo("127.0.0.1");
    assertThat(s.dataDir()).isEqualTo(Path.of("/tmp/n2"));
    assertThat(s.tls()).isEmpty();
  }

  @Test
  void refusesWhatIsMissingOrWrongWithTheUsage() {
    assertThatThrownBy(() -> NodeSettings.parse("--id", "1", "--members", MEMBERS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--cluster is required")
        .hasMessageContaining("usage:");
    assertThatThrownBy(
            () ->
                NodeSettings.parse(
                    "--cluster", "kv", "--id", "4", "--members", MEMBERS, "--state-machine", "a.B"))
        .hasMessageContaining("--id 4 is not among the --members");
    assertThatThrownBy(
            () ->
                NodeSettings.parse(
                    "--cluster",
                    "kv",
                    "--id",
                    "1",
                    "--members",
                    "1:9001",
                    "--state-machine",
                    "a.B"))
        .hasMessageContaining("is not id=host:port");
    assertThatThrownBy(
            () ->
                NodeSettings.parse(
                    "--cluster", "kv", "--id", "x", "--members", MEMBERS, "--state-machine", "a.B"))
        .hasMessageContaining("--id 'x' is not a number");
    assertThatThrownBy(
            () ->
                NodeSettings.parse(
                    "--cluster",
                    "kv",
                    "--id",
                    "1",
                    "--members",
                    MEMBERS,
                    "--state-machine",
                    "a.B",
                    "--tls-key",
                    "k.pem"))
        .hasMessageContaining("need --tls-cert");
  }
}
