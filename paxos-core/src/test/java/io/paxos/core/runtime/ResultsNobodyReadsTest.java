package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.storage.FileStorage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node builds a command's result only where someone reads it: the node that made a command
 * outside a session answers it; the others apply it through {@code applyWithoutResult}. Session
 * commands build their result everywhere, since every replica's session table keeps it for retries.
 */
class ResultsNobodyReadsTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final int PER_NODE = 20;

  @TempDir Path dir;

  @Test
  void aCommandOutsideASessionIsAnsweredOnlyByTheNodeThatMadeIt() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("r", 1, 2, 3), FAST, Duration.ofSeconds(10))) {
      c.awaitAgreedLeader();
      Set<Long> answers = new HashSet<>();
      for (int id : c.config.ids()) {
        for (int i = 0; i < PER_NODE; i++) {
          byte[] command = RecordingStateMachine.command(id * 1000L + i);
          answers.add(
              RecordingStateMachine.count(
                  c.submitUntilProposed(() -> c.nodes.get(id).submit(command))));
        }
      }
      int total = PER_NODE * c.config.ids().length;
      assertThat(answers).as("every caller got its own answer").hasSize(total);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == total));
      for (RecordingStateMachine m : c.machines.values()) {
        assertThat(m.appliedWithoutResult())
            .as("commands made at the other nodes, applied without a result")
            .isEqualTo(total - PER_NODE);
      }
    }
  }

  @Test
  void aSessionCommandBuildsItsResultOnEveryReplica() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("r", 1, 2, 3), FAST, Duration.ofSeconds(10))) {
      c.awaitAgreedLeader();
      for (int seq = 1; seq <= PER_NODE; seq++) {
        long s = seq;
        byte[] command = RecordingStateMachine.command(seq);
        c.submitUntilProposed(() -> c.nodes.get(2).submit(0xABCL, s, s, command));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == PER_NODE));
      for (RecordingStateMachine m : c.machines.values()) {
        assertThat(m.appliedWithoutResult()).isZero();
      }
    }
  }

  @Test
  void aRestartReplaysCommandsOutsideSessionsWithoutResults() throws Exception {
    ClusterConfig config = ClusterConfig.of("r", 1, 2, 3);
    try (LocalCluster c =
        new LocalCluster(
            config, FAST, Duration.ofSeconds(10), this::open, SnapshotOptions.disabled())) {
      c.awaitAgreedLeader();
      for (int i = 0; i < PER_NODE; i++) {
        byte[] command = RecordingStateMachine.command(i);
        c.submitUntilProposed(() -> c.nodes.get(1).submit(command));
      }
      c.submitUntilProposed(
          () -> c.nodes.get(1).submit(0xABCL, 1, 1, RecordingStateMachine.command(99)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == PER_NODE + 1));

      c.close(1);
      c.start(1);
      RecordingStateMachine restarted = c.machines.get(1);
      assertThat(restarted.size()).as("replayed from its log").isEqualTo(PER_NODE + 1);
      assertThat(restarted.appliedWithoutResult())
          .as("its own commands too: their callers were answered before the restart")
          .isEqualTo(PER_NODE);
    }
  }

  private FileStorage open(int id) {
    return LocalCluster.openFileStorage(dir, "r", id);
  }
}
