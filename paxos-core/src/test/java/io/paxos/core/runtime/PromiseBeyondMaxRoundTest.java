package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.storage.InMemoryStorage;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A node whose storage holds a promise of round 2^63-1 (persisted by a build without message
 * bounds, from one forged Heartbeat) used to overflow {@code round + 1} at its first election and
 * stop, after every restart. Now it runs: the cluster serves with the other nodes, and when node 1
 * would campaign it writes one ERROR line instead.
 */
class PromiseBeyondMaxRoundTest {

  @Test
  void aNodeWithAPromiseBeyondTheMaximumStartsAndTheClusterServes() throws Exception {
    InMemoryStorage poisoned = new InMemoryStorage();
    poisoned.markBootstrapped();
    poisoned.savePromise(new Ballot(Long.MAX_VALUE, 2));
    poisoned.saveRound(Long.MAX_VALUE);
    poisoned.sync();
    ProtocolOptions options = ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
    try (LogCapture log = new LogCapture();
        LocalCluster cluster =
            new LocalCluster(
                ClusterConfig.of("poisoned", 1, 2, 3),
                options,
                Duration.ofSeconds(5),
                id -> id == 1 ? poisoned : new InMemoryStorage())) {
      PaxosNode leader = cluster.awaitAgreedLeader();
      assertThat(leader.id()).isNotEqualTo(1);
      for (int i = 1; i <= 3; i++) {
        cluster.nodes.get(i).submit(RecordingStateMachine.command(i)).get(30, TimeUnit.SECONDS);
      }
      // Without a leader to follow, node 1 would campaign: it says once why it does not, and stays
      // up. (The remaining node cannot lead alone: node 1's acceptor refuses every ballot.)
      cluster.close(leader.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> !log.lines("node 1 stops campaigning").isEmpty());
      assertThat(cluster.nodes.get(1).status().failure()).isEmpty();
      assertThat(log.lines("node 1: its storage holds promise")).hasSize(1);
      assertThat(log.lines("node 1 stops campaigning")).hasSize(1);
    }
  }
}
