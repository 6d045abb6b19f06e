package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.SnapshotOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    assertThat(s.snapshots()).isEqualTo(SnapshotOptions.defaults());
  }

  /** The settings of node 1 with {@code extra} options after the required ones. */
  private static NodeSettings withOptions(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cluster", "kv", "--id", "1", "--members", MEMBERS, "--state-machine", "a.B"));
    args.addAll(List.of(extra));
    return NodeSettings.parse(args.toArray(String[]::new));
  }

  @Test
  void snapshotFlagsSetTheIntervalsOrTurnSnapshotsOff() {
    SnapshotOptions defaults = SnapshotOptions.defaults();
    assertThat(withOptions("--snapshot-every-slots", "5000").snapshots())
        .isEqualTo(defaults.withIntervalSlots(5000));
    assertThat(withOptions("--snapshot-every-bytes", "16MiB").snapshots())
        .isEqualTo(defaults.withIntervalBytes(16L << 20));
    assertThat(withOptions("--snapshot-every-bytes", "1 gib").snapshots().intervalBytes())
        .isEqualTo(1L << 30);
    assertThat(withOptions("--snapshot-every-bytes", "4096").snapshots().intervalBytes())
        .isEqualTo(4096);
    assertThat(
            withOptions("--snapshot-every-slots", "0", "--snapshot-every-bytes", "2KiB")
                .snapshots())
        .isEqualTo(new SnapshotOptions(0, 2048, defaults.chunkBytes()));
    assertThat(withOptions("--no-snapshots").snapshots()).isEqualTo(SnapshotOptions.disabled());
  }

  @Test
  void badSnapshotFlagsAreRefusedSayingWhy() {
    assertThatThrownBy(() -> withOptions("--snapshot-every-slots", "-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--snapshot-every-slots '-1' must be a whole number, 0 or more");
    assertThatThrownBy(() -> withOptions("--snapshot-every-slots", "many"))
        .hasMessageContaining("--snapshot-every-slots 'many' must be a whole number");
    assertThatThrownBy(() -> withOptions("--snapshot-every-bytes", "12 TB"))
        .hasMessageContaining("--snapshot-every-bytes '12 TB' must be a size in bytes");
    assertThatThrownBy(() -> withOptions("--snapshot-every-bytes", "-5MiB"))
        .hasMessageContaining("must be a size in bytes");
    assertThatThrownBy(() -> withOptions("--snapshot-every-bytes", "9000000000000GiB"))
        .hasMessageContaining("is too large");
    assertThatThrownBy(() -> withOptions("--no-snapshots", "--snapshot-every-slots", "10"))
        .hasMessageContaining("--no-snapshots contradicts");
    assertThatThrownBy(
            () -> withOptions("--snapshot-every-slots", "0", "--snapshot-every-bytes", "0"))
        .hasMessageContaining("say --no-snapshots");
    assertThatThrownBy(() -> withOptions("--snapshot-every-slot", "10"))
        .as("a misspelt option is not silently ignored")
        .hasMessageContaining("unknown option '--snapshot-every-slot'")
        .hasMessageContaining("usage:");
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
