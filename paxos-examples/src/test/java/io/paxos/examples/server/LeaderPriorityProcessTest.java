package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Leader priority with real server processes (docs/leader-priority.md): node 3 (priority 10) leads;
 * once it is killed, node 2 (priority 5) does; once it is back and caught up, node 2 hands
 * leadership back to it, while clients write. Every acknowledged write is applied once, and the
 * three nodes end with the same state.
 */
class LeaderPriorityProcessTest {

  @Test
  void leadershipFollowsPriorityThroughACrashAndARestart(@TempDir Path dir) throws Exception {
    Map<Integer, String> members = new LinkedHashMap<>();
    // Each value follows "roles: " in the member's mapping of the cluster file.
    members.put(1, "[proposer, acceptor, learner]");
    members.put(2, "[proposer, acceptor, learner], priority: 5");
    members.put(3, "[proposer, acceptor, learner], priority: 10");
    try (ServerProcesses nodes = new ServerProcesses(dir, "prio", members, "");
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(60))
                .seed(5)
                .build()) {
      nodes.start(1, 2, 3);
      awaitLeader(nodes, 3, 1, 2, 3);
      int written = ClusterWrites.put(client, 0, 100);

      nodes.kill(3);
      awaitLeader(nodes, 2, 1, 2);
      written = ClusterWrites.put(client, written, 100);

      // Writes in flight while node 3 restarts, catches up and takes leadership back.
      int from = written;
      CompletableFuture<Integer> during =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  int w = from;
                  for (int round = 0; round < 10; round++) {
                    w = ClusterWrites.put(client, w, 20);
                  }
                  return w;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      nodes.start(3);
      awaitLeader(nodes, 3, 1, 2, 3);
      written = during.get(120, TimeUnit.SECONDS);
      written = ClusterWrites.put(client, written, 50);
      ClusterWrites.awaitConverged(nodes, 1, 2, 3);

      String first = nodes.stop(1);
      assertThat(first).contains(", " + written + " keys, state hash ");
      assertThat(nodes.stop(2)).isEqualTo(first);
      assertThat(nodes.stop(3)).isEqualTo(first);
    }
  }

  /**
   * Wait until {@code expected} says it leads and the other {@code running} nodes say they do not.
   */
  private static void awaitLeader(ServerProcesses nodes, int expected, int... running) {
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(
            () -> {
              for (int id : running) {
                boolean leads = ClusterWrites.status(nodes.addresses.get(id)).leader();
                if (leads != (id == expected)) {
                  return false;
                }
              }
              return true;
            });
  }
}
