package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import io.paxos.grpc.LogStateMachine;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link PaxosClient#status(Endpoint)} asks one node, and only that node. */
class NodeStatusTest {
  @Test
  void eachNodeAnswersForItselfAndAnUnreachableNodeIsNotReplacedByAnother() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("each", 1, 2, 3))
            .stateMachines(id -> new LogStateMachine())
            .start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      List<Endpoint> endpoints = cluster.endpoints();
      Endpoint nowhere;
      try (ServerSocket s = new ServerSocket(0)) {
        nowhere = new Endpoint("127.0.0.1", s.getLocalPort());
      }
      try (PaxosClient client =
          PaxosClient.builder()
              .endpoints(List.of(endpoints.get(0)))
              .timeout(Duration.ofSeconds(5))
              .build()) {
        for (int id = 1; id <= 3; id++) {
          ClusterStatus status = client.status(endpoints.get(id - 1)).get(30, TimeUnit.SECONDS);
          assertThat(status.nodeId()).isEqualTo(id);
        }
        assertThatThrownBy(() -> client.status(nowhere).get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(NoReachableNodeException.class)
            .hasMessageContaining(nowhere.toString());
      }
    }
  }
}
