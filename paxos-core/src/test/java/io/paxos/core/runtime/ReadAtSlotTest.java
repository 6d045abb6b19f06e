package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.Consistency;
import io.paxos.core.SlotResult;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A write reports the slot it was applied in, and a read given that slot waits, at any node, until
 * the node has applied it: read-your-writes at a lagging follower.
 */
class ReadAtSlotTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final byte[] QUERY = new byte[0];

  private static <T> T get(CompletableFuture<T> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void writesReportTheSlotTheyWereAppliedIn() throws Exception {
    try (LocalCluster c = new LocalCluster(ClusterConfig.of("t", 1, 2, 3), FAST, seconds(5))) {
      PaxosNode leader = c.awaitLeader();
      // A leader change on a loaded machine refuses a command unproposed: retried, as clients do.
      SlotResult first =
          c.submitUntilProposed(() -> leader.submitWithSlot(RecordingStateMachine.command(1)));
      SlotResult second =
          c.submitUntilProposed(() -> leader.submitWithSlot(RecordingStateMachine.command(2)));
      assertThat(first.slot()).isPositive();
      assertThat(second.slot()).isGreaterThan(first.slot());
      assertThat(RecordingStateMachine.count(second.result())).isEqualTo(1);
      assertThat(leader.status().appliedSlot()).isGreaterThanOrEqualTo(second.slot());
      PaxosNode follower = c.live().stream().filter(n -> n != leader).findFirst().orElseThrow();
      SlotResult session =
          c.submitUntilProposed(
              () -> follower.submitWithSlot(77, 1, 1, RecordingStateMachine.command(3)));
      assertThat(session.slot()).isGreaterThan(second.slot());
      SlotResult retry = get(follower.submitWithSlot(77, 1, 1, RecordingStateMachine.command(3)));
      assertThat(retry.result()).isEqualTo(session.result());
      assertThat(retry.slot()).isGreaterThanOrEqualTo(session.slot());
    }
  }

  @Test
  void aReadGivenASlotWaitsUntilTheLaggingFollowerHasAppliedIt() throws Exception {
    for (Consistency consistency : Consistency.values()) {
      try (LocalCluster c = new LocalCluster(ClusterConfig.of("t", 1, 2, 3), FAST, seconds(30))) {
        PaxosNode leader = c.awaitAgreedLeader();
        PaxosNode follower = c.live().stream().filter(n -> n != leader).findFirst().orElseThrow();
        c.submitUntilProposed(() -> leader.submit(RecordingStateMachine.command(0)));
        // its floor is known from here on
        c.submitUntilProposed(() -> follower.read(QUERY, Consistency.SEQUENTIAL));

        c.network.isolate(follower.id());
        SlotResult write =
            c.submitUntilProposed(() -> leader.submitWithSlot(RecordingStateMachine.command(1)));
        CompletableFuture<SlotResult> atSlot;
        if (consistency == Consistency.LINEARIZABLE) {
          // needs the leader, which cannot be reached from here: asked once reconnected below
          atSlot = null;
        } else {
          atSlot = follower.read(QUERY, consistency, write.slot());
          // A later read without a slot is served first, from the old state: the node lags, and
          // the read given the slot (handed to the apply thread before it) is still waiting.
          assertThat(RecordingStateMachine.count(get(follower.read(QUERY, Consistency.STALE))))
              .isEqualTo(1);
          assertThat(atSlot).as(consistency + " read at slot " + write.slot()).isNotDone();
        }
        c.network.reconnect(follower.id());
        SlotResult read =
            atSlot != null
                ? get(atSlot)
                : c.submitUntilProposed(() -> follower.read(QUERY, consistency, write.slot()));
        assertThat(read.slot()).isGreaterThanOrEqualTo(write.slot());
        assertThat(RecordingStateMachine.count(read.result())).as(consistency.name()).isEqualTo(2);
      }
    }
  }

  @Test
  void aSlotThatNeverArrivesFailsAfterTheCommandTimeout() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("t", 1, 2, 3), FAST, Duration.ofMillis(300))) {
      PaxosNode leader = c.awaitLeader();
      for (long slot : new long[] {leader.status().appliedSlot() + 1_000_000, Long.MAX_VALUE}) {
        CompletableFuture<SlotResult> read = leader.read(QUERY, Consistency.STALE, slot);
        assertThatThrownBy(() -> get(read))
            .isInstanceOf(ExecutionException.class)
            .cause()
            .isInstanceOf(CommandTimeoutException.class)
            .hasMessageContaining("had not applied slot " + slot);
      }
      // A slot already applied adds no wait, and 0 adds nothing at all.
      long applied = leader.status().appliedSlot();
      assertThat(get(leader.read(QUERY, Consistency.STALE, applied)).slot())
          .isGreaterThanOrEqualTo(applied);
      assertThat(get(leader.read(QUERY, Consistency.LINEARIZABLE, 0)).slot())
          .isGreaterThanOrEqualTo(applied);
      assertThatThrownBy(() -> leader.read(QUERY, Consistency.STALE, -1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("minSlot must not be negative");
    }
  }

  @Test
  void theStatusTellsTheBallotAndTheCommitSlot() throws Exception {
    try (LocalCluster c = new LocalCluster(ClusterConfig.of("t", 1, 2, 3), FAST, seconds(5))) {
      PaxosNode leader = c.awaitLeader();
      SlotResult write = get(leader.submitWithSlot(RecordingStateMachine.command(1)));
      await()
          .until(
              () ->
                  c.live().stream()
                      .allMatch(
                          n ->
                              n.status().commitSlot() >= write.slot()
                                  && !n.status().term().isNone()));
      NodeStatus s = leader.status();
      assertThat(s.term().proposerId()).isEqualTo(leader.id());
    }
  }

  private static Duration seconds(int s) {
    return Duration.ofSeconds(s);
  }
}
