package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Status over gRPC carries each node's digest of its applied state and the slot it was taken at: a
 * client compares replicas with it.
 */
class StatusStateHashTest {

  @Test
  void everyReplicaReportsTheSameDigestAtTheSameSlot() throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(ClusterConfig.of("hash", 1, 2, 3));
        PaxosClient client = PaxosClient.builder().endpoints(cluster.endpoints()).seed(3).build()) {
      cluster.awaitLeader();
      for (long i = 0; i < 30; i++) {
        client.submit(LogStateMachine.command(i)).get(30, TimeUnit.SECONDS);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.machines.values().stream().allMatch(m -> m.size() == 30));
      Map<Integer, ClusterStatus> statuses = new TreeMap<>();
      List<Endpoint> endpoints = cluster.endpoints();
      for (int i = 0; i < endpoints.size(); i++) {
        try (PaxosClient one =
            PaxosClient.builder().endpoints(List.of(endpoints.get(i))).seed(i).build()) {
          ClusterStatus s =
              await()
                  .atMost(Duration.ofSeconds(30))
                  .until(
                      () -> one.status().get(30, TimeUnit.SECONDS),
                      st ->
                          st.stateHash().isPresent()
                              && st.stateHash().get().appliedSlot() == st.appliedSlot());
          statuses.put(s.nodeId(), s);
        }
      }
      assertThat(statuses).hasSize(3);
      assertThat(statuses.values().stream().map(s -> s.stateHash().orElseThrow()).distinct())
          .as("one digest at one slot on every replica: %s", statuses)
          .hasSize(1);
      assertThat(statuses.values()).allMatch(s -> !s.learnerOnly());
      assertThat(statuses.get(1).stateHash().orElseThrow().hash())
          .isEqualTo(cluster.machines.get(1).stateHash());
    }
  }
}
