package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node creates its data directory only with {@code --bootstrap-new}; a member of an existing
 * cluster refuses a missing directory and serves as a learner only on an empty one.
 */
class NodeBootstrapTest {
  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static List<String> args(int port, Path dataDir, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--cluster",
                "boot",
                "--id",
                "1",
                "--members",
                "1=127.0.0.1:" + port + ",2=127.0.0.1:1,3=127.0.0.1:2",
                "--listen",
                "127.0.0.1",
                "--state-machine",
                LogStateMachine.class.getName(),
                "--data-dir",
                dataDir.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  private static NodeSettings settings(int port, Path dataDir, String... extra) {
    return NodeSettings.parse(args(port, dataDir, extra).toArray(String[]::new));
  }

  @Test
  void theFlagIsOffUnlessGiven() throws IOException {
    assertThat(settings(9, dir).bootstrapNew()).isFalse();
    assertThat(settings(9, dir, "--bootstrap-new").bootstrapNew()).isTrue();
  }

  @Test
  void aMissingDirectoryIsRefusedWithoutBootstrapNew() throws IOException {
    Path missing = dir.resolve("typo");
    assertThatThrownBy(() -> NodeServer.start(settings(freePort(), missing), new LogStateMachine()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(missing.toString())
        .hasMessageContaining("--bootstrap-new")
        .hasMessageNotContaining("\n");
    assertThat(missing).doesNotExist();
  }

  @Test
  void bootstrapNewCreatesTheDirectoryAndVotes() throws IOException {
    Path fresh = dir.resolve("a").resolve("node-1");
    try (NodeServer node =
        NodeServer.start(settings(freePort(), fresh, "--bootstrap-new"), new LogStateMachine())) {
      assertThat(fresh).isDirectory();
      assertThat(node.node().votes()).isTrue();
    }
    // Restarted without the flag, the marked directory still votes.
    try (NodeServer node = NodeServer.start(settings(freePort(), fresh), new LogStateMachine())) {
      assertThat(node.node().votes()).isTrue();
    }
  }

  @Test
  void anEmptyDirectoryOfAnExistingClusterServesAsALearnerOnly() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("replaced-disk"));
    try (NodeServer node = NodeServer.start(settings(freePort(), empty), new LogStateMachine())) {
      assertThat(node.node().votes()).isFalse();
      assertThat(node.node().status().learnerOnly()).isTrue();
    }
  }

  @Test
  void nodeMainSaysWhatToFixInOneLine() throws Exception {
    Path missing = dir.resolve("typo");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(NodeMain.class.getName());
    command.addAll(args(freePort(), missing));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(output.strip().lines())
          .as(output)
          .singleElement()
          .asString()
          .contains("data directory " + missing + " does not exist")
          .contains("--bootstrap-new");
      assertThat(missing).doesNotExist();
    } finally {
      p.destroyForcibly();
    }
  }
}
