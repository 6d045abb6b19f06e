package io.paxos.grpc;

import static io.paxos.grpc.AcknowledgedWrites.awaitAll;
import static io.paxos.grpc.AcknowledgedWrites.submit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.Consistency;
import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes on this machine, driven through {@link PaxosClient}: the leader is killed
 * with {@code kill -9} while commands are in flight and started again; every acknowledged command
 * is applied exactly once on every node. Then every node is killed at once and started again from
 * its data directory: nothing acknowledged is lost.
 */
class ProcessClusterTest {

  @Test
  @DisplayName(
      "kill -9 the leader mid-stream, then all nodes: every acknowledged command applied once"
          + " everywhere")
  void killAndRestartTheLeader(@TempDir Path dir) throws Exception {
    try (NodeProcesses nodes = new NodeProcesses("processes", dir, 3);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(11)
                .build()) {
      for (int id = 1; id <= 3; id++) {
        nodes.start(id);
      }
      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();

      awaitAll(submit(client, 0, 300, acknowledged));
      int leader = leaderOf(client);

      List<CompletableFuture<byte[]>> inFlight = submit(client, 300, 300, acknowledged);
      nodes.kill(leader);
      List<CompletableFuture<byte[]>> during = submit(client, 600, 300, acknowledged);
      awaitAll(inFlight);
      awaitAll(during);
      nodes.start(leader);
      awaitAll(submit(client, 900, 300, acknowledged));
      for (int id = 1; id <= 3; id++) {
        nodes.kill(id);
      }
      for (int id = 1; id <= 3; id++) {
        nodes.start(id);
      }
      awaitAll(submit(client, 1_200, 100, acknowledged));

      assertThat(acknowledged).hasSize(1_300);
      Map<Integer, List<Long>> logs = new ConcurrentHashMap<>();
      for (Map.Entry<Integer, Endpoint> member : nodes.members.entrySet()) {
        try (PaxosClient one =
            PaxosClient.builder()
                .endpoints(List.of(member.getValue()))
                .seed(member.getKey())
                .build()) {
          await()
              .atMost(Duration.ofSeconds(60))
              .until(
                  () -> {
                    List<Long> applied =
                        LogStateMachine.ids(
                            one.read(new byte[0], Consistency.STALE).get(30, TimeUnit.SECONDS));
                    logs.put(member.getKey(), applied);
                    return applied.containsAll(acknowledged);
                  });
        }
      }
      for (Map.Entry<Integer, List<Long>> log : logs.entrySet()) {
        assertThat(log.getValue()).as("node %d", log.getKey()).doesNotHaveDuplicates();
        assertThat(new HashSet<>(log.getValue()))
            .as("node %d", log.getKey())
            .containsAll(acknowledged);
      }
      int shortest = logs.values().stream().mapToInt(List::size).min().orElseThrow();
      for (List<Long> log : logs.values()) {
        assertThat(log.subList(0, shortest)).isEqualTo(logs.get(1).subList(0, shortest));
      }
    }
  }

  private static int leaderOf(PaxosClient client) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.status().get(30, TimeUnit.SECONDS), s -> s.leaderId().isPresent())
        .leaderId()
        .getAsInt();
  }
}
