package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node creates its data directory only when it bootstraps a new cluster; a member of an existing
 * cluster refuses a missing directory and serves as a learner only on an empty one. (That the
 * server says so in one line, as a process, is {@code paxos-examples}' {@code ServerProcessTest}.)
 */
class NodeBootstrapTest {
  @TempDir Path dir;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static NodeSettings settings(int port, Path dataDir, boolean bootstrapNew) {
    Map<Integer, Endpoint> addresses =
        Map.of(
            1, new Endpoint("127.0.0.1", port),
            2, new Endpoint("127.0.0.1", 1),
            3, new Endpoint("127.0.0.1", 2));
    return NodeSettings.of(ClusterConfig.of("boot", 1, 2, 3), 1, addresses, dataDir)
        .withListenHost("127.0.0.1")
        .withBootstrapNew(bootstrapNew);
  }

  private static NodeSettings settings(int port, Path dataDir) {
    return settings(port, dataDir, false);
  }

  @Test
  void theFlagIsOffUnlessGiven() throws IOException {
    assertThat(settings(9, dir).bootstrapNew()).isFalse();
    assertThat(settings(9, dir, true).bootstrapNew()).isTrue();
  }

  @Test
  void aMissingDirectoryIsRefusedWithoutBootstrapNew() throws IOException {
    Path missing = dir.resolve("typo");
    assertThatThrownBy(() -> NodeServer.start(settings(freePort(), missing), LogStateMachine::new))
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
        NodeServer.start(settings(freePort(), fresh, true), LogStateMachine::new)) {
      assertThat(fresh).isDirectory();
      assertThat(node.node().votes()).isTrue();
    }
    // Restarted without the flag, the marked directory still votes.
    try (NodeServer node = NodeServer.start(settings(freePort(), fresh), LogStateMachine::new)) {
      assertThat(node.node().votes()).isTrue();
    }
  }

  @Test
  void anEmptyDirectoryOfAnExistingClusterServesAsALearnerOnly() throws IOException {
    Path empty = Files.createDirectory(dir.resolve("replaced-disk"));
    try (NodeServer node = NodeServer.start(settings(freePort(), empty), LogStateMachine::new)) {
      assertThat(node.node().votes()).isFalse();
      assertThat(node.node().status().learnerOnly()).isTrue();
    }
  }
}
