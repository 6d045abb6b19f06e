package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.SlotResult;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.runtime.PaxosNode;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Many legal commands near {@code maxCommandBytes} on a real gRPC cluster whose message limit is
 * small (the limit is scaled down instead of the data up): every message a node builds fits its
 * peers' inbound limit, so everything commits and every node's applied slot advances. Before
 * messages were cut by bytes, the leader put many full slots in one {@code Accept}, the peers
 * refused it, and the cluster stalled.
 */
class LargeCommandsTest {
  private static final int LIMIT = 64 << 10;
  private static final int COMMAND = 16 << 10;
  private static final int PER_NODE = 200;

  private static byte[] command(long id) {
    return ByteBuffer.allocate(COMMAND).putLong(id).array();
  }

  @Test
  void legalCommandsNearTheLimitAllCommitAndTheAppliedSlotAdvances() throws Exception {
    ProtocolOptions options =
        ProtocolOptions.defaults().toBuilder()
            .maxCommandBytes(COMMAND)
            .maxBatchBytes(4 * COMMAND)
            .maxMessageBytes(LIMIT)
            .build()
            // A loaded test machine must not make leadership churn: this test is about sizes.
            .withTimings(100, 1000, 2000, 200);
    Map<Integer, LogStateMachine> machines = new HashMap<>();
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("large", 1, 2, 3))
            .options(options)
            .serverSettings(s -> s.maxInboundMessageBytes(LIMIT))
            .commandTimeout(Duration.ofSeconds(60))
            .stateMachines(
                id -> {
                  LogStateMachine m = new LogStateMachine();
                  machines.put(id, m);
                  return m;
                })
            .start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      List<CompletableFuture<SlotResult>> results = new ArrayList<>();
      long id = 0;
      // At every node, so that followers forward full batches to the leader as well.
      for (int i = 0; i < PER_NODE; i++) {
        for (PaxosNode node : cluster.nodes()) {
          results.add(node.submitWithSlot(command(id++)));
        }
      }
      long lastSlot = 0;
      for (int i = 0; i < results.size(); i++) {
        lastSlot = Math.max(lastSlot, outcome(cluster, results.get(i), i).slot());
      }
      long last = lastSlot;
      long total = id;
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.nodes().stream().allMatch(n -> n.status().appliedSlot() >= last));
      for (PaxosNode node : cluster.nodes()) {
        List<Long> applied = machines.get(node.id()).applied();
        assertThat(applied).as("node %d", node.id()).hasSize((int) total);
        assertThat(new HashSet<>(applied)).hasSize((int) total);
      }
      assertThat(cluster.nodes().stream().mapToLong(n -> n.status().appliedSlot()).min().orElse(0))
          .isGreaterThanOrEqualTo(last);
    }
  }

  /**
   * The result of command {@code id}, submitted again at the leader if a change of leader handed it
   * back unproposed (not a failure of this test's claim: it is never proposed twice).
   */
  private static SlotResult outcome(
      LocalCluster cluster, CompletableFuture<SlotResult> first, long id) throws Exception {
    CompletableFuture<SlotResult> attempt = first;
    for (int tries = 0; ; tries++) {
      try {
        return attempt.get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        if (!(e.getCause() instanceof io.paxos.core.NotLeaderException) || tries > 20) {
          throw e;
        }
        attempt = cluster.awaitLeader(Duration.ofSeconds(30)).submitWithSlot(command(id));
      }
    }
  }

  @Test
  void aNodeRefusesToStartWithMessagesLargerThanItsPeersAccept() {
    ProtocolOptions options =
        ProtocolOptions.defaults().toBuilder().maxCommandBytes(COMMAND).build();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                LocalCluster.builder()
                    .config(ClusterConfig.of("large", 1))
                    .options(options) // 16 MiB messages
                    .serverSettings(s -> s.maxInboundMessageBytes(LIMIT))
                    .stateMachines(id -> new LogStateMachine())
                    .start()
                    .close())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageBytes")
        .hasMessageContaining("maxInboundMessageBytes");
  }
}
