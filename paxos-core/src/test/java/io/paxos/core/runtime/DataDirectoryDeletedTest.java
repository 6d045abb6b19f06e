package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.NodeClosedException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running node whose data directory is deleted, or replaced by another of the same name, stops at
 * its next write (fail-stop): it acknowledges nothing into deleted files, its callers get {@link
 * NodeClosedException}, its status names the failure, and the others go on.
 */
class DataDirectoryDeletedTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  @TempDir Path dir;

  private static void deleteTree(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void aNodeWhoseDirectoryIsDeletedStops() throws Exception {
    assertStops(
        nodeDir -> {
          deleteTree(nodeDir);
        },
        // The files go before the directory: the node may look in between.
        "was deleted",
        "had its lock file deleted");
  }

  @Test
  void aNodeWhoseDirectoryIsReplacedStops() throws Exception {
    assertStops(
        nodeDir -> {
          Files.move(nodeDir, nodeDir.resolveSibling(nodeDir.getFileName() + "-old"));
          Files.createDirectory(nodeDir);
        },
        // The node may look while the directory is moved away and not yet replaced: either way it
        // saw that the directory is no longer the one it opened (a check of existence alone would
        // pass once the new one is there, and the node would not stop).
        "was replaced",
        "was deleted");
  }

  private interface Tamper {
    void apply(Path nodeDir) throws IOException;
  }

  private void assertStops(Tamper tamper, String... why) throws Exception {
    ClusterConfig config = ClusterConfig.of("gone", 1, 2, 3);
    try (LocalCluster cluster =
        new LocalCluster(
            config,
            FAST,
            Duration.ofSeconds(10),
            id -> LocalCluster.openFileStorage(dir, "gone", id))) {
      PaxosNode leader = cluster.awaitLeader();
      leader.submit(RecordingStateMachine.command(1)).get(30, TimeUnit.SECONDS);
      tamper.apply(dir.resolve("node-" + leader.id()));

      // Its next write fails the sync: the command is never acknowledged, the node stops.
      var doomed = leader.submit(RecordingStateMachine.command(2));
      await().atMost(Duration.ofSeconds(30)).until(() -> leader.status().failure().isPresent());
      assertThat(leader.status().failure().orElseThrow())
          .containsAnyOf(why)
          .contains("stops rather than acknowledge writes into deleted files");
      await().atMost(Duration.ofSeconds(30)).until(doomed::isDone);
      assertThatThrownBy(() -> leader.submit(RecordingStateMachine.command(3)).get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(NodeClosedException.class);

      // The others elect a new leader and go on.
      cluster.nodes.remove(leader.id());
      PaxosNode next = cluster.awaitLeader();
      assertThat(next.id()).isNotEqualTo(leader.id());
      cluster.submitUntilProposed(() -> next.submit(RecordingStateMachine.command(4)));
    }
  }
}
