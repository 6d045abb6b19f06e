package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import io.paxos.grpc.proto.SubmitRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A 3-node cluster over gRPC on loopback in this JVM, driven through {@link PaxosClient}. */
class GrpcClusterTest {

  @Test
  @DisplayName(
      "many commands through PaxosClient; the leader is closed mid-stream; every command is"
          + " applied once on every surviving node")
  void leaderClosedServiceContinues() throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(ClusterConfig.of("grpc-it", 1, 2, 3));
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(7)
                .build()) {
      PaxosNode leader = cluster.awaitLeader();
      List<CompletableFuture<byte[]>> first = submit(client, 0, 1_000);
      CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      List<CompletableFuture<byte[]>> second = submit(client, 1_000, 1_000);
      cluster.stop(leader.id());
      List<CompletableFuture<byte[]>> third = submit(client, 2_000, 1_000);
      CompletableFuture.allOf(second.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      CompletableFuture.allOf(third.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

      Set<Long> expected = new HashSet<>();
      for (long id = 0; id < 3_000; id++) {
        expected.add(id);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> cluster.machines.values().stream().filter(m -> m.size() >= 3_000).count() >= 2);
      List<List<Long>> logs = new ArrayList<>();
      for (PaxosNode node : cluster.nodes()) {
        int id = node.id();
        List<Long> applied = cluster.machines.get(id).applied();
        assertThat(applied).as("node %d", id).doesNotHaveDuplicates();
        assertThat(new HashSet<>(applied)).as("node %d", id).isEqualTo(expected);
        logs.add(applied);
      }
      assertThat(logs.get(0)).isEqualTo(logs.get(1));

      byte[] read = client.read(new byte[0], Consistency.LINEARIZABLE).get(30, TimeUnit.SECONDS);
      assertThat(LogStateMachine.ids(read)).hasSize(3_000);
      ClusterStatus status = client.status().get(30, TimeUnit.SECONDS);
      assertThat(status.clusterId()).isEqualTo("grpc-it");
      assertThat(status.members()).hasSize(3);
      assertThat(status.leaderId()).isPresent();
      assertThat(status.leaderId().getAsInt()).isNotEqualTo(leader.id());
    }
  }

  @Test
  @DisplayName(
      "a command served by a follower comes back with the leader's id, one served by the leader"
          + " without")
  void aFollowersResultNamesTheLeader() throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(ClusterConfig.of("hint", 1, 2, 3))) {
      long sequence = 0;
      for (int attempt = 1; ; attempt++) {
        // Every node names the same leader. (Read the leader inside the wait: one taken before it
        // may be deposed meanwhile on a loaded machine, and then the nodes never agree on it.)
        int leader =
            await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> agreedLeader(cluster.nodes()), id -> id != 0);
        Map<Integer, Integer> hints = new TreeMap<>();
        for (PaxosNode node : cluster.nodes()) {
          ClientReply reply = submitAt(cluster, node.id(), ++sequence);
          hints.put(node.id(), reply.hasResult() ? reply.getLeaderHint() : -1);
        }
        boolean sameLeader =
            !hints.containsValue(-1)
                && cluster.nodes().stream().allMatch(n -> n.leaderId().orElse(0) == leader);
        if (sameLeader || attempt == 5) { // else the leader changed meanwhile: again
          assertThat(hints).containsExactlyInAnyOrderEntriesOf(expectedHints(leader));
          return;
        }
      }
    }
  }

  /** The leader every node names, if they all name the same one and it leads; else 0. */
  private static int agreedLeader(List<PaxosNode> nodes) {
    int leader = nodes.get(0).leaderId().orElse(0);
    boolean agreed =
        leader != 0
            && nodes.stream().allMatch(n -> n.leaderId().orElse(0) == leader)
            && nodes.stream().anyMatch(n -> n.id() == leader && n.isLeader());
    return agreed ? leader : 0;
  }

  /** Each node's expected hint: the leader's id, except at the leader itself. */
  private static Map<Integer, Integer> expectedHints(int leader) {
    Map<Integer, Integer> expected = new TreeMap<>();
    for (int id = 1; id <= 3; id++) {
      expected.put(id, id == leader ? 0 : leader);
    }
    return expected;
  }

  /** A command submitted at node {@code id} through the unary call: its reply (maybe an error). */
  private static ClientReply submitAt(GrpcCluster cluster, int id, long sequence)
      throws InterruptedException {
    ManagedChannel channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", cluster.server(id).port())
            .usePlaintext()
            .build();
    try {
      ClientReply reply =
          PaxosClientServiceGrpc.newBlockingStub(channel)
              .withDeadlineAfter(30, TimeUnit.SECONDS)
              .submit(
                  SubmitRequest.newBuilder()
                      .setClientId(0xC11E47L)
                      .setSequence(sequence)
                      .setAcknowledgedBelow(1)
                      .setCommand(ByteString.copyFrom(LogStateMachine.command(sequence)))
                      .build());
      return reply;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static List<CompletableFuture<byte[]>> submit(PaxosClient client, long from, int count) {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    for (long id = from; id < from + count; id++) {
      futures.add(client.submit(LogStateMachine.command(id)));
    }
    return futures;
  }
}
