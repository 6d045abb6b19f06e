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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes at default timings; the leader is paused with SIGSTOP while a client writes
 * to it: its connection stays open and it answers nothing. The client must suspect it within one
 * deadline (its per-attempt wait), find the new leader and complete every command there, each
 * applied once. A client that stayed on the paused node would fail every command at its deadline.
 */
class PausedLeaderProcessTest {

  @Test
  @DisplayName(
      "a paused leader is suspected: commands sent to it complete at the new leader within their"
          + " deadline, each applied once")
  void commandsMoveOffAPausedLeader(@TempDir Path dir) throws Exception {
    try (NodeProcesses nodes = new NodeProcesses("paused", dir, 3);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(15))
                .seed(5)
                .build()) {
      for (int id = 1; id <= 3; id++) {
        nodes.start(id);
      }
      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      awaitAll(submit(client, 0, 50, acknowledged));
      int leader =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> client.status().get(30, TimeUnit.SECONDS), s -> s.leaderId().isPresent())
              .leaderId()
              .getAsInt();

      nodes.pause(leader);
      List<CompletableFuture<byte[]>> during = submit(client, 50, 50, acknowledged);
      awaitAll(during); // a ClientDeadlineException here: the client stayed on the paused node
      nodes.resume(leader);
      awaitAll(submit(client, 100, 20, acknowledged));

      assertThat(acknowledged).hasSize(120);
      int other = leader == 1 ? 2 : 1;
      try (PaxosClient one =
          PaxosClient.builder().endpoints(List.of(nodes.members.get(other))).seed(6).build()) {
        List<Long> applied =
            LogStateMachine.ids(
                one.read(new byte[0], Consistency.LINEARIZABLE).get(30, TimeUnit.SECONDS));
        assertThat(applied).doesNotHaveDuplicates();
        assertThat(new HashSet<>(applied)).containsAll(acknowledged);
      }
    }
  }
}
