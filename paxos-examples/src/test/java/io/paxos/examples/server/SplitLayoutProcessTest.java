package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 3-acceptor / 2-proposer / 2-learner layout as seven server processes: the leading proposer,
 * then an acceptor, then a learner are killed with {@code kill -9} in turn, writes go on after
 * each, the learner comes back, and both learners end with the same applied slot, key count and
 * state hash.
 */
class SplitLayoutProcessTest {

  @Test
  @DisplayName("3 acceptors, 2 proposers, 2 learners: kill a proposer, an acceptor, a learner")
  void writesGoOnAndTheLearnersConverge(@TempDir Path dir) throws Exception {
    Map<Integer, String> roles = new LinkedHashMap<>();
    roles.put(1, "[acceptor]");
    roles.put(2, "[acceptor]");
    roles.put(3, "[acceptor]");
    roles.put(11, "[proposer]");
    roles.put(12, "[proposer]");
    roles.put(21, "[learner]");
    roles.put(22, "[learner]");
    try (ServerProcesses nodes =
            new ServerProcesses(
                dir,
                "split",
                roles,
                "protocol: {heartbeat-interval: 50ms, election-timeout: 300ms..600ms, command-timeout: 2s}\n");
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(60))
                .seed(5)
                .build()) {
      nodes.start(1, 2, 3, 11, 12, 21, 22);
      int written = ClusterWrites.put(client, 0, 200);

      int leader = ClusterWrites.leader(nodes, 11, 12);
      nodes.kill(leader);
      written = ClusterWrites.put(client, written, 200);
      assertThat(ClusterWrites.leader(nodes, 11, 12)).isEqualTo(leader == 11 ? 12 : 11);

      nodes.kill(1);
      written = ClusterWrites.put(client, written, 200);

      nodes.kill(21);
      written = ClusterWrites.put(client, written, 200);

      nodes.start(21);
      written = ClusterWrites.put(client, written, 200);
      ClusterWrites.awaitConverged(nodes, 21, 22);

      String learner21 = nodes.stop(21);
      String learner22 = nodes.stop(22);
      assertThat(learner21).isEqualTo(learner22).contains(", " + written + " keys, state hash ");
    }
  }
}
