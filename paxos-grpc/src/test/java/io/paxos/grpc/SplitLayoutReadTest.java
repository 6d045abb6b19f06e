package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.grpc.client.PaxosClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * 3 acceptors, 2 proposers, 2 learners on 127.0.0.1: a client given every node, or only nodes
 * without a learner, reads at every consistency (routed to the learners) and writes (routed to a
 * proposer), and every read sees the writes acknowledged before it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SplitLayoutReadTest {
  private static final ClusterConfig CONFIG =
      ClusterConfig.withMajorities(
          "split",
          List.of(
              Member.of(1, Role.ACCEPTOR),
              Member.of(2, Role.ACCEPTOR),
              Member.of(3, Role.ACCEPTOR),
              Member.of(11, Role.PROPOSER),
              Member.of(12, Role.PROPOSER),
              Member.of(21, Role.LEARNER),
              Member.of(22, Role.LEARNER)));

  private GrpcCluster cluster;
  private long nextCommand;

  @BeforeAll
  void start() {
    cluster = new GrpcCluster(CONFIG);
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private void readsSeeEveryWrite(List<Endpoint> endpoints) throws Exception {
    try (PaxosClient client = PaxosClient.builder().endpoints(endpoints).seed(7).build()) {
      for (int round = 0; round < 3; round++) {
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          long id = nextCommand++;
          client.submit(LogStateMachine.command(id)).get(30, TimeUnit.SECONDS);
          written.add(id);
        }
        for (Consistency c : Consistency.values()) {
          for (int i = 0; i < 7; i++) { // more reads than nodes: the rotation meets every one
            byte[] result = client.read(new byte[0], c).get(30, TimeUnit.SECONDS);
            if (c != Consistency.STALE) {
              assertThat(LogStateMachine.ids(result)).as("%s read", c).containsAll(written);
            }
          }
        }
      }
    }
  }

  @Test
  void aClientGivenEveryNodeReadsAtTheLearners() throws Exception {
    readsSeeEveryWrite(cluster.endpoints());
  }

  @Test
  void aClientGivenNoLearnerFindsThemFromTheNodesItWasGiven() throws Exception {
    readsSeeEveryWrite(cluster.endpoints().subList(0, 5)); // acceptors and proposers only
  }
}
