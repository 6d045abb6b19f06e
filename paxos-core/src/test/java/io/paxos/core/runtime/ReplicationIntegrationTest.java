package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads over the in-memory transport: 100,000 commands submitted at every node, the leader
 * closed in the middle of the run. Every surviving node must end with the same state, and every
 * acknowledged command must be applied exactly once (an unacknowledged one at most once).
 *
 * <p>How many commands are acknowledged depends on how the machine's load moves the elections, so
 * the test asserts no share of them (it did, and failed under load): only that the run is not
 * vacuous.
 */
class ReplicationIntegrationTest {
  private static final int COMMANDS = 100_000;
  private static final int IN_FLIGHT = 2_000;

  @ParameterizedTest(name = "{0} nodes")
  @ValueSource(ints = {3, 5})
  void survivorsAgreeAndEveryAcknowledgedCommandIsAppliedOnce(int size) throws Exception {
    int[] ids = new int[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    ProtocolOptions options = ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
    try (LocalCluster cluster =
        new LocalCluster(ClusterConfig.of("it", ids), options, Duration.ofSeconds(2))) {
      PaxosNode first = cluster.awaitLeader();
      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      Semaphore window = new Semaphore(IN_FLIGHT);
      SplittableRandom random = new SplittableRandom(size);
      int closedLeader = 0;
      for (long id = 0; id < COMMANDS; id++) {
        if (id == COMMANDS / 2) {
          closedLeader = first.id();
          cluster.close(closedLeader);
        }
        List<PaxosNode> live = cluster.live();
        PaxosNode target = live.get(random.nextInt(live.size()));
        assertThat(window.tryAcquire(60, TimeUnit.SECONDS)).as("window slot").isTrue();
        long commandId = id;
        CompletableFuture<byte[]> f = target.submit(RecordingStateMachine.command(commandId));
        f.whenComplete(
            (result, error) -> {
              if (error == null) {
                acknowledged.add(commandId);
              }
              window.release();
            });
      }
      assertThat(window.tryAcquire(IN_FLIGHT, 60, TimeUnit.SECONDS)).as("all resolved").isTrue();

      List<RecordingStateMachine> survivors =
          cluster.nodes.keySet().stream().map(cluster.machines::get).toList();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> survivors.stream().map(RecordingStateMachine::size).distinct().count() == 1);
      List<Long> reference = survivors.get(0).applied();
      for (RecordingStateMachine sm : survivors) {
        assertThat(sm.applied()).isEqualTo(reference);
      }
      Map<Long, Integer> times = new HashMap<>();
      for (long id : reference) {
        times.merge(id, 1, Integer::sum);
      }
      assertThat(times.values()).as("no command applied twice").allMatch(n -> n == 1);
      Set<Long> lost = new HashSet<>(acknowledged);
      lost.removeAll(times.keySet());
      assertThat(lost).as("acknowledged commands missing from the state").isEmpty();
      assertThat(acknowledged).as("commands acknowledged").isNotEmpty();
      assertThat(closedLeader).isEqualTo(first.id());
    }
  }
}
