package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.NoQuorumException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.storage.InMemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * With a majority down, a command fails as soon as the node knows it cannot reach a quorum, not
 * after the command timeout (ten minutes here: a join of 30 s proves the point without timing).
 */
class NoQuorumTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final Duration NEVER = Duration.ofMinutes(10);

  private static Throwable failure(CompletableFuture<byte[]> f) throws Exception {
    try {
      f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the command succeeded without a quorum");
  }

  @ParameterizedTest(name = "the survivor {0} the leader")
  @ValueSource(strings = {"was", "was not"})
  void withAMajorityDownSubmitFailsFastAndWorksAgainOnceItIsBack(String survivorWasLeader)
      throws Exception {
    Map<Integer, InMemoryStorage> storages = new HashMap<>();
    try (LocalCluster c =
        new LocalCluster(
            ClusterConfig.of("q", 1, 2, 3),
            FAST,
            NEVER,
            id -> storages.computeIfAbsent(id, i -> new InMemoryStorage()))) {
      int leader = c.awaitAgreedLeader().id();
      int survivor = survivorWasLeader.equals("was") ? leader : leader % 3 + 1;
      PaxosNode node = c.nodes.get(survivor);
      c.submitUntilProposed(() -> node.submit(RecordingStateMachine.command(1)));

      for (int id : new int[] {1, 2, 3}) {
        if (id != survivor) {
          c.close(id);
        }
      }
      // Commands submitted before the node finds out stay pending (they may have been forwarded
      // to the lost leader: only the timeout can say their outcome is unknown); once it knows, a
      // command is refused at once, not proposed.
      List<CompletableFuture<byte[]>> before = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                CompletableFuture<byte[]> f = node.submit(RecordingStateMachine.command(2));
                before.add(f);
                return before.stream().anyMatch(CompletableFuture::isDone);
              });
      for (CompletableFuture<byte[]> f : before) {
        if (f.isDone()) {
          assertThat(failure(f)).isInstanceOf(NoQuorumException.class);
        }
      }
      assertThat(failure(node.submit(RecordingStateMachine.command(3))))
          .isInstanceOf(NoQuorumException.class)
          .hasMessageContaining("node " + survivor + " does not lead")
          .hasMessageContaining("in contact with 1 of the 3 acceptors (2 needed)")
          .hasMessageContaining("not proposed")
          .isInstanceOf(NotLeaderException.class);
      assertThat(failure(node.submit(1L << 40, 1, 1, RecordingStateMachine.command(4))))
          .as("a session's command too")
          .isInstanceOf(NoQuorumException.class);
      assertThat(node.status().failure()).isEmpty();

      int back = survivor % 3 + 1;
      c.start(back);
      // Refused as not proposed until the two agree on a leader; then it goes through.
      c.submitUntilProposed(() -> node.submit(RecordingStateMachine.command(5)));
    }
  }

  @Test
  void anIdleHealthyClusterNeverRefusesForWantOfAQuorum() throws Exception {
    try (LocalCluster c = new LocalCluster(ClusterConfig.of("q5", 1, 2, 3, 4, 5), FAST, NEVER)) {
      c.awaitAgreedLeader();
      // Idle for several windows: followers hear from the leader only, which is enough. Every
      // node keeps knowing a leader throughout.
      await()
          .during(Duration.ofSeconds(2))
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.live().stream().allMatch(n -> n.leaderId().isPresent()));
      for (PaxosNode n : c.live()) {
        CompletableFuture<byte[]> f = n.submit(RecordingStateMachine.command(n.id()));
        try {
          f.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          // A leader change may refuse it as not proposed; never for want of a quorum.
          assertThat(e.getCause()).isNotInstanceOf(NoQuorumException.class);
        }
      }
    }
  }

  @Test
  void submitAtAClosedNodeStillSaysClosed() {
    try (LocalCluster c = new LocalCluster(ClusterConfig.of("q1", 1, 2, 3), FAST, NEVER)) {
      PaxosNode n = c.nodes.get(1);
      c.close(1);
      assertThatThrownBy(() -> n.submit(RecordingStateMachine.command(1)).get(30, TimeUnit.SECONDS))
          .cause()
          .isInstanceOf(io.paxos.core.NodeClosedException.class);
    }
  }
}
