package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.SessionTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real threads over the in-memory transport: 100,000 commands submitted at every node, the leader
 * closed in the middle of the run. Every surviving node must end with the same state, and every
 * acknowledged command must be applied exactly once (an unacknowledged one at most once).
 *
 * <p>Even-numbered commands are one-shot: submitted once, whatever happens. Odd-numbered ones
 * belong to a client session and are sent again, to another node, until acknowledged, so all of
 * them must end up applied exactly once: the run cannot pass by failing commands, however the
 * machine's load moves the elections.
 */
class ReplicationIntegrationTest {
  private static final int COMMANDS = 100_000;
  private static final int IN_FLIGHT = 2_000;
  private static final long CLIENT_ID = 0x7e57_0000_0000_0001L;

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
      Session session = new Session(cluster, random, acknowledged, window);
      for (long id = 0; id < COMMANDS; id++) {
        if (id == COMMANDS / 2) {
          closedLeader = first.id();
          cluster.close(closedLeader);
        }
        assertThat(window.tryAcquire(60, TimeUnit.SECONDS)).as("window slot").isTrue();
        if (id % 2 == 1) {
          session.submit(id);
          continue;
        }
        List<PaxosNode> live = cluster.live();
        PaxosNode target = live.get(random.nextInt(live.size()));
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
      List<Long> unacknowledged = new ArrayList<>();
      for (long id = 1; id < COMMANDS; id += 2) {
        if (!acknowledged.contains(id)) {
          unacknowledged.add(id);
        }
      }
      assertThat(unacknowledged).as("session commands never acknowledged").isEmpty();
      assertThat(closedLeader).isEqualTo(first.id());
    }
  }

  /**
   * The odd-numbered commands: one client session, each command sent again after any failure (to a
   * node picked again) with its sequence number, until acknowledged.
   */
  private static final class Session {
    private final LocalCluster cluster;
    private final SplittableRandom random;
    private final Set<Long> acknowledged;
    private final Semaphore window;
    private final ConcurrentSkipListSet<Long> unanswered = new ConcurrentSkipListSet<>();
    private long nextSequence = 1;

    Session(
        LocalCluster cluster, SplittableRandom random, Set<Long> acknowledged, Semaphore window) {
      this.cluster = cluster;
      this.random = random;
      this.acknowledged = acknowledged;
      this.window = window;
    }

    /**
     * Submit command {@code id} under the next sequence number; called by the test thread. Like the
     * gRPC client, it first waits until the new sequence is less than {@link
     * SessionTable#MAX_RESULTS} above the oldest unanswered one: the cluster keeps the results of
     * that many sequences, so one slow command holds the session's window until it completes.
     */
    void submit(long id) throws InterruptedException {
      synchronized (this) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!withinSpan()) {
          long left = deadline - System.nanoTime();
          assertThat(left).as("session window").isPositive();
          wait(TimeUnit.NANOSECONDS.toMillis(left) + 1); // notified when a command is answered
        }
      }
      long sequence = nextSequence++;
      unanswered.add(sequence);
      send(id, sequence, random.nextInt(Integer.MAX_VALUE));
    }

    private boolean withinSpan() {
      Long oldest = unanswered.ceiling(0L); // null when none is unanswered
      return oldest == null || nextSequence - oldest < SessionTable.MAX_RESULTS;
    }

    private void send(long id, long sequence, int pick) {
      List<PaxosNode> live = cluster.live();
      if (live.isEmpty()) {
        return; // the test is over
      }
      PaxosNode target = live.get(pick % live.size());
      target
          .submit(CLIENT_ID, sequence, unanswered.first(), RecordingStateMachine.command(id))
          .whenComplete(
              (result, error) -> {
                if (error == null) {
                  unanswered.remove(sequence);
                  synchronized (this) {
                    notifyAll();
                  }
                  acknowledged.add(id);
                  window.release();
                } else {
                  CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS)
                      .execute(() -> send(id, sequence, pick + 1));
                }
              });
    }
  }
}
