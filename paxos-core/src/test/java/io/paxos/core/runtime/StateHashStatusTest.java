package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Status reports a digest of the applied state with its slot, taken on the apply thread when asked
 * for and at a bounded rate: replicas that applied the same slots report the same digest.
 */
class StateHashStatusTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  @Test
  void replicasReportEqualDigestsAtEqualSlots() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("hash", 1, 2, 3), FAST, Duration.ofSeconds(10))) {
      PaxosNode leader = c.awaitLeader();
      for (int i = 0; i < 20; i++) {
        leader.submit(RecordingStateMachine.command(i)).get(30, TimeUnit.SECONDS);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.live().stream()
                      .allMatch(n -> n.status().appliedSlot() == leader.status().appliedSlot()));
      long slot = leader.status().appliedSlot();
      // Asking queues a digest (at most one per second per node); a later status reports it.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  c.live().stream()
                      .map(n -> n.status().stateHash())
                      .allMatch(h -> h.isPresent() && h.get().appliedSlot() == slot));
      List<String> hashes =
          c.live().stream()
              .map(n -> n.status().stateHash().orElseThrow().hash())
              .distinct()
              .toList();
      assertThat(hashes).hasSize(1);
      assertThat(hashes.get(0)).isEqualTo(c.machines.get(leader.id()).stateHash());
    }
  }

  @Test
  void aStateMachineWithoutDigestsReportsNone() throws Exception {
    io.paxos.core.StateMachine plain =
        new io.paxos.core.StateMachine() {
          @Override
          public byte[] apply(byte[] command) {
            return command;
          }

          @Override
          public byte[] query(byte[] query) {
            return query;
          }

          @Override
          public Snapshot snapshot() {
            return out -> {};
          }

          @Override
          public void restore(java.io.InputStream in) {}
        };
    try (PaxosNode node =
        PaxosNode.builder()
            .config(ClusterConfig.of("plain", 1))
            .nodeId(1)
            .stateMachine(plain)
            .transport(new io.paxos.core.transport.InMemoryNetwork().transport(1))
            .build()) {
      node.submit(new byte[] {1}).get(30, TimeUnit.SECONDS);
      assertThat(node.status().stateHash()).isEqualTo(Optional.empty());
      assertThat(node.status().stateHash()).isEmpty();
    }
  }
}
