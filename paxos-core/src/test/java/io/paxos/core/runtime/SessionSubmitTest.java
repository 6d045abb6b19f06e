package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.SessionTable;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Commands of a client session are applied once, however often and wherever they are sent. */
class SessionSubmitTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  @Test
  void aRetryAtAnotherNodeIsAppliedOnceAndReturnsTheOriginalResult() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("s", 1, 2, 3), FAST, Duration.ofSeconds(5))) {
      c.awaitLeader();
      long session = 0x5E55_10AL;
      byte[] first =
          c.nodes
              .get(1)
              .submit(session, 1, 1, RecordingStateMachine.command(100))
              .get(30, TimeUnit.SECONDS);
      byte[] again =
          c.nodes
              .get(2)
              .submit(session, 1, 1, RecordingStateMachine.command(100))
              .get(30, TimeUnit.SECONDS);
      byte[] third =
          c.nodes
              .get(3)
              .submit(session, 1, 1, RecordingStateMachine.command(100))
              .get(30, TimeUnit.SECONDS);
      assertThat(again).isEqualTo(first);
      assertThat(third).isEqualTo(first);

      byte[] next =
          c.nodes
              .get(3)
              .submit(session, 2, 2, RecordingStateMachine.command(101))
              .get(30, TimeUnit.SECONDS);
      assertThat(RecordingStateMachine.count(next))
          .isEqualTo(RecordingStateMachine.count(first) + 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == 2));
      for (RecordingStateMachine m : c.machines.values()) {
        assertThat(m.applied()).containsExactly(100L, 101L);
      }
    }
  }

  @Test
  void concurrentCopiesOfOneCommandAreAppliedOnce() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("s", 1, 2, 3), FAST, Duration.ofSeconds(5))) {
      c.awaitLeader();
      long session = 0xC0FFEEL;
      for (int seq = 1; seq <= 50; seq++) {
        for (PaxosNode n : c.live()) {
          n.submit(session, seq, 1, RecordingStateMachine.command(seq));
        }
      }
      c.nodes
          .get(1)
          .submit(session, 51, 1, RecordingStateMachine.command(51))
          .get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() >= 51));
      for (RecordingStateMachine m : c.machines.values()) {
        assertThat(m.applied()).doesNotHaveDuplicates().hasSize(51);
      }
    }
  }

  @Test
  void sessionNumbersThatBreakTheRulesAreRefused() {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("s", 1, 2, 3), FAST, Duration.ofSeconds(5))) {
      PaxosNode n = c.nodes.get(1);
      assertThatThrownBy(() -> n.submit(0, 1, 1, new byte[1])).hasMessageContaining("reserved");
      assertThatThrownBy(() -> n.submit(9, 0, 1, new byte[1]))
          .hasMessageContaining("acknowledgedBelow");
      assertThatThrownBy(() -> n.submit(9, 3, 4, new byte[1]))
          .hasMessageContaining("acknowledgedBelow");
      assertThatThrownBy(() -> n.submit(9, 3, 0, new byte[1]))
          .hasMessageContaining("acknowledgedBelow");
    }
  }

  /**
   * The session table keeps the results of {@link SessionTable#MAX_RESULTS} sequences from the
   * floor up, answered or not: a client that sent sequences spanning more than that could have an
   * unanswered command forgotten (treated as a stale duplicate: never applied, never answered, its
   * retries timing out for ever), so such a command is refused.
   */
  @Test
  void aSessionMaySpanAtMostMaxResultsSequences() {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("s", 1, 2, 3), FAST, Duration.ofSeconds(5))) {
      PaxosNode n = c.nodes.get(1);
      long widest = SessionTable.MAX_RESULTS; // sequence - acknowledgedBelow = MAX_RESULTS - 1
      assertThat(n.submit(9, widest, 1, new byte[1])).isNotNull();
      assertThatThrownBy(() -> n.submit(9, widest + 1, 1, new byte[1]))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("span");
    }
  }
}
