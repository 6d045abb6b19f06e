package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.OverloadedException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A flood of large legal commands at a gRPC cluster: the node answers OVERLOADED once the bytes
 * pending at it reach its bound, keeps serving status meanwhile, and serves commands again once the
 * flood stops; a {@link PaxosClient} that is told OVERLOADED backs off and gets every command
 * through.
 */
class OverloadTest {
  private static final int COMMAND = 256 << 10;
  private static final long MAX_PENDING = 4L << 20;
  private static final int CLIENTS = 4;
  private static final int PER_CLIENT = 300;

  private static LocalCluster start() {
    return LocalCluster.builder()
        .config(ClusterConfig.of("flood", 1, 2, 3))
        // A loaded test machine must not make leadership churn: this test is about admission.
        .options(ProtocolOptions.defaults().withTimings(100, 1000, 2000, 200))
        .nodeSettings(n -> n.maxPendingBytes(MAX_PENDING))
        .commandTimeout(Duration.ofSeconds(60))
        .stateMachines(id -> new LogStateMachine())
        .start();
  }

  private static boolean overloaded(CompletableFuture<?> f) {
    try {
      f.getNow(null);
      return false;
    } catch (CompletionException e) {
      return e.getCause() instanceof OverloadedException;
    }
  }

  @Test
  void aFloodIsRefusedAsOverloadedWhileStatusIsServedAndServiceResumes() throws Exception {
    try (LocalCluster cluster = start();
        PaxosClient observer =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(1)
                .build()) {
      PaxosNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      AtomicLong refused = new AtomicLong();
      AtomicLong maxSeenPending = new AtomicLong();
      List<CompletableFuture<byte[]>> admitted =
          java.util.Collections.synchronizedList(new ArrayList<>());
      List<Thread> flooders = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        long clientId = 1000 + c;
        Thread t =
            new Thread(
                () -> {
                  byte[] payload = new byte[COMMAND]; // never changed: shared by the commands
                  for (int s = 1; s <= PER_CLIENT; s++) {
                    CompletableFuture<byte[]> f = leader.submit(clientId, s, s, payload);
                    if (f.isDone() && overloaded(f)) {
                      refused.incrementAndGet();
                    } else {
                      admitted.add(f);
                    }
                    maxSeenPending.accumulateAndGet(leader.pendingCommandBytes(), Math::max);
                  }
                });
        t.start();
        flooders.add(t);
      }
      // Status is served during the flood.
      ClusterStatus during = observer.status().get(30, TimeUnit.SECONDS);
      assertThat(during.members()).hasSize(3);
      for (Thread t : flooders) {
        t.join(60_000);
      }
      assertThat(refused.get()).as("commands refused as OVERLOADED").isPositive();
      assertThat(maxSeenPending.get())
          .as("bytes pending at the leader (one command may overshoot while another completes)")
          .isLessThanOrEqualTo(MAX_PENDING + CLIENTS * (long) COMMAND);
      // Every admitted command completes (applied, or handed back by a change of leader).
      for (CompletableFuture<byte[]> f : new ArrayList<>(admitted)) {
        try {
          f.get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(io.paxos.core.NotLeaderException.class);
        }
      }
      awaitALeader(observer);
      byte[] after = observer.submit(LogStateMachine.command(-1)).get(30, TimeUnit.SECONDS);
      assertThat(after).hasSize(8);
    }
  }

  @Test
  void aClientToldOverloadedBacksOffAndGetsEveryCommandThrough() throws Exception {
    int commands = 64;
    try (LocalCluster cluster = start();
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(60))
                .maxInFlight(commands)
                .seed(2)
                .build()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      List<CompletableFuture<byte[]>> results = new ArrayList<>();
      for (int i = 0; i < commands; i++) {
        byte[] payload = new byte[COMMAND];
        java.nio.ByteBuffer.wrap(payload).putLong(i);
        results.add(client.submit(payload));
      }
      CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
      awaitALeader(client);
    }
  }

  /**
   * The cluster has a leader again (at some moment: right after a flood an election may be under
   * way on a loaded machine, so one status taken at once may name none).
   */
  private static void awaitALeader(PaxosClient client) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client.status().get(30, TimeUnit.SECONDS).leaderId().isPresent());
  }
}
