package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.StorageException;
import io.paxos.core.transport.InMemoryNetwork;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node restarts from its snapshot and the log after it: the deduplication table comes back with
 * the snapshot (docs/pitfalls.md #13), and a node whose log was compacted beyond every valid
 * snapshot refuses to start instead of starting with a hole in its state.
 */
class SnapshotRestartTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final SnapshotOptions EVERY_SLOT = new SnapshotOptions(1, 0, 1024);

  @TempDir Path dir;

  private FileStorage open(int id) {
    return LocalCluster.openFileStorage(dir, "snap", id);
  }

  private boolean hasSnapshot(int id) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("node-" + id))) {
      return s.anyMatch(p -> p.getFileName().toString().endsWith(".snap"));
    }
  }

  @Test
  void aSessionRetryAfterARestartFromASnapshotIsNotAppliedAgain() throws Exception {
    ClusterConfig config = ClusterConfig.of("snap", 1, 2, 3);
    try (LocalCluster c =
        new LocalCluster(config, FAST, Duration.ofSeconds(10), this::open, EVERY_SLOT)) {
      c.awaitLeader();
      long session = 0x5E55_10AL;
      byte[] first =
          c.submitUntilProposed(
              () -> c.nodes.get(1).submit(session, 1, 1, RecordingStateMachine.command(7)));
      for (int i = 0; i < 5; i++) {
        byte[] command = RecordingStateMachine.command(100 + i);
        c.submitUntilProposed(() -> c.nodes.get(2).submit(command));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == 6));
      await().atMost(Duration.ofSeconds(30)).until(() -> hasSnapshot(1));

      c.close();
      for (int id : config.ids()) {
        c.start(id);
      }
      assertThat(c.machines.get(1).size()).isEqualTo(6);
      c.awaitLeader();
      byte[] retried =
          c.submitUntilProposed(
              () -> c.nodes.get(1).submit(session, 1, 1, RecordingStateMachine.command(7)));
      assertThat(retried).as("the first result, from the restored session table").isEqualTo(first);
      c.submitUntilProposed(() -> c.nodes.get(3).submit(RecordingStateMachine.command(200)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == 7));
      for (RecordingStateMachine m : c.machines.values()) {
        assertThat(m.applied()).containsOnlyOnce(7L).endsWith(200L);
      }
    }
  }

  @Test
  void aNodeWhoseLogWasCompactedBeyondEveryValidSnapshotRefusesToStart() throws Exception {
    ClusterConfig config = ClusterConfig.of("snap", 1, 2, 3);
    try (LocalCluster c =
        new LocalCluster(config, FAST, Duration.ofSeconds(10), this::open, EVERY_SLOT)) {
      c.awaitLeader();
      for (int i = 0; i < 5; i++) {
        byte[] command = RecordingStateMachine.command(i);
        c.submitUntilProposed(() -> c.nodes.get(1).submit(command));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> hasSnapshot(1));
      // Node 1 handles the report of that snapshot (and compacts its log) before this command.
      c.submitUntilProposed(() -> c.nodes.get(1).submit(RecordingStateMachine.command(99)));
    }
    Path snapshot;
    try (Stream<Path> s = Files.list(dir.resolve("node-1"))) {
      snapshot = s.filter(p -> p.getFileName().toString().endsWith(".snap")).findFirst().get();
    }
    try (FileChannel ch = FileChannel.open(snapshot, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {0x55, 0x55}), ch.size() / 2);
    }
    FileStorage storage = open(1);
    assertThatThrownBy(
            () ->
                PaxosNode.builder()
                    .config(config)
                    .nodeId(1)
                    .stateMachine(new RecordingStateMachine())
                    .transport(new InMemoryNetwork().transport(1))
                    .storage(storage)
                    .build())
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("no valid snapshot covers it");
    storage.close();
  }
}
