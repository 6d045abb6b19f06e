package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.CommandFailedException;
import io.paxos.core.NodeClosedException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.StateMachine;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.transport.InMemoryNetwork;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command whose {@code apply} throws (a "poisoned" command): under {@link
 * ApplyFailurePolicy#FAIL_COMMAND} it fails for its caller and the cluster goes on, equal on every
 * replica and through a restart; under {@link ApplyFailurePolicy#STOP_NODE} every replica stops,
 * and restarting them with FAIL_COMMAND recovers the cluster.
 */
class ApplyFailurePolicyTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final ClusterConfig CONFIG = ClusterConfig.of("ledger", 1, 2, 3);

  /**
   * A balance that must never go negative: a command is a signed 8-byte amount; one that would take
   * the balance below zero throws before changing anything. The result is the new balance.
   */
  static final class Ledger implements StateMachine {
    private long balance;
    private final List<Long> applied = new ArrayList<>();
    final AtomicInteger rejected = new AtomicInteger(); // not state: how often apply threw

    static byte[] amount(long amount) {
      return ByteBuffer.allocate(8).putLong(amount).array();
    }

    @Override
    public synchronized byte[] apply(byte[] command) {
      long amount = ByteBuffer.wrap(command).getLong();
      if (balance + amount < 0) {
        rejected.incrementAndGet();
        throw new IllegalArgumentException("balance " + balance + " cannot pay " + -amount);
      }
      balance += amount;
      if (amount != 0) { // 0: a no-op, to make the node apply (and snapshot) one more slot
        applied.add(amount);
      }
      return amount(balance);
    }

    @Override
    public synchronized byte[] query(byte[] query) {
      return amount(balance);
    }

    @Override
    public synchronized Snapshot snapshot() {
      long b = balance;
      List<Long> copy = List.copyOf(applied);
      return out -> {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(b);
        data.writeInt(copy.size());
        for (long a : copy) {
          data.writeLong(a);
        }
        data.flush();
      };
    }

    @Override
    public synchronized void restore(InputStream in) throws java.io.IOException {
      DataInputStream data = new DataInputStream(in);
      balance = data.readLong();
      applied.clear();
      for (int n = data.readInt(); n > 0; n--) {
        applied.add(data.readLong());
      }
    }

    synchronized String state() {
      return balance + " " + applied;
    }
  }

  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<Integer, InMemoryStorage> storages = new TreeMap<>();
  private final Map<Integer, Ledger> ledgers = new TreeMap<>();
  private final Map<Integer, PaxosNode> nodes = new TreeMap<>();
  private final List<String> failedEvents = new ArrayList<>();
  private final List<String> nodeFailures = new java.util.concurrent.CopyOnWriteArrayList<>();

  @AfterEach
  void closeAll() {
    nodes.values().forEach(PaxosNode::close);
  }

  private void start(int id, ApplyFailurePolicy policy, SnapshotOptions snapshots) {
    Ledger ledger = new Ledger();
    ledgers.put(id, ledger);
    boolean fresh = !storages.containsKey(id);
    InMemoryStorage storage = storages.computeIfAbsent(id, i -> new InMemoryStorage());
    PaxosNodeBuilder b =
        PaxosNode.builder()
            .config(CONFIG)
            .nodeId(id)
            .stateMachine(ledger)
            .transport(network.transport(id))
            .storage(storage)
            .options(FAST)
            .snapshots(snapshots)
            .commandTimeout(Duration.ofSeconds(20))
            .bootstrap(fresh ? Bootstrap.NEW : Bootstrap.EXISTING)
            .observer(
                new NodeObserver() {
                  @Override
                  public void nodeFailed(Throwable error) {
                    nodeFailures.add(id + ": " + error);
                  }

                  @Override
                  public void commandFailed(long slot, String exceptionClass) {
                    synchronized (failedEvents) {
                      failedEvents.add(
                          id + ":" + exceptionClass + " on " + Thread.currentThread().getName());
                    }
                  }
                });
    if (policy != null) {
      b.applyFailures(policy);
    }
    nodes.put(id, b.build());
  }

  private void startAll(ApplyFailurePolicy policy, SnapshotOptions snapshots) {
    for (int id : CONFIG.ids()) {
      start(id, policy, snapshots);
    }
  }

  private void restartAll(ApplyFailurePolicy policy, SnapshotOptions snapshots) {
    nodes.values().forEach(PaxosNode::close);
    nodes.clear();
    startAll(policy, snapshots);
  }

  private PaxosNode awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null),
            n -> n != null);
  }

  /** The outcome of {@code submit}, submitted again while refused unproposed (not leader). */
  private byte[] submit(int at, byte[] command) throws Exception {
    return untilProposed(() -> nodes.get(at).submit(command));
  }

  private byte[] untilProposed(java.util.concurrent.Callable<CompletableFuture<byte[]>> s)
      throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return s.call().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException) || attempt == 100) {
          throw e;
        }
        awaitLeader(); // refused during an election: again once a node leads
      }
    }
  }

  private static long balance(byte[] result) {
    return ByteBuffer.wrap(result).getLong();
  }

  private void awaitReplicasEqual(String state) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (Ledger l : ledgers.values()) {
                assertThat(l.state()).isEqualTo(state);
              }
            });
  }

  @Test
  void aPoisonedCommandFailsForItsCallerAndTheClusterGoesOnAndRestarts() throws Exception {
    startAll(ApplyFailurePolicy.FAIL_COMMAND, SnapshotOptions.disabled());
    int leader = awaitLeader().id();
    int follower = leader % 3 + 1;
    assertThat(balance(submit(leader, Ledger.amount(10)))).isEqualTo(10);

    // The leader's own command, then one made at a follower: each caller gets the failure.
    for (int at : new int[] {leader, follower}) {
      assertThatThrownBy(() -> submit(at, Ledger.amount(-100)))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(CommandFailedException.class)
          .hasMessageContaining("java.lang.IllegalArgumentException: balance 10 cannot pay 100")
          .satisfies(
              e -> {
                CommandFailedException f = (CommandFailedException) e;
                assertThat(f.exceptionClass()).isEqualTo("java.lang.IllegalArgumentException");
                assertThat(f.exceptionMessage()).isEqualTo("balance 10 cannot pay 100");
              });
    }
    // A session's command fails, and its retry at another node fails the same way, not applied.
    long session = 0x1ED6E5L;
    assertThatThrownBy(
            () ->
                untilProposed(() -> nodes.get(follower).submit(session, 1, 1, Ledger.amount(-50))))
        .cause()
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("cannot pay 50");
    awaitReplicasEqual("10 [10]");
    await().atMost(Duration.ofSeconds(30)).until(() -> rejections() == 9);
    assertThatThrownBy(
            () -> untilProposed(() -> nodes.get(leader).submit(session, 1, 1, Ledger.amount(-50))))
        .cause()
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("cannot pay 50");

    // Later commands work, and every replica holds the same state.
    assertThat(balance(submit(follower, Ledger.amount(5)))).isEqualTo(15);
    awaitReplicasEqual("15 [10, 5]");
    assertThat(rejections()).as("the retry was answered from the session table").isEqualTo(9);
    assertThat(nodes.values()).allSatisfy(n -> assertThat(n.status().failure()).isEmpty());
    assertThat(nodeFailures).isEmpty();
    synchronized (failedEvents) {
      assertThat(failedEvents)
          .hasSize(9)
          .contains(
              "1:java.lang.IllegalArgumentException on paxos-apply-1",
              "2:java.lang.IllegalArgumentException on paxos-apply-2",
              "3:java.lang.IllegalArgumentException on paxos-apply-3");
      failedEvents.clear();
    }

    // A restart replays the log: the poisoned commands fail again, and the nodes start.
    restartAll(ApplyFailurePolicy.FAIL_COMMAND, SnapshotOptions.disabled());
    awaitReplicasEqual("15 [10, 5]");
    assertThat(ledgers.values()).allSatisfy(l -> assertThat(l.rejected).hasValue(3));
    synchronized (failedEvents) {
      assertThat(failedEvents).as("observers are not told of a replay").isEmpty();
    }
    int newLeader = awaitLeader().id();
    assertThatThrownBy(
            () ->
                untilProposed(() -> nodes.get(newLeader).submit(session, 1, 1, Ledger.amount(-50))))
        .cause()
        .isInstanceOf(CommandFailedException.class);
    assertThat(balance(submit(newLeader, Ledger.amount(1)))).isEqualTo(16);
    awaitReplicasEqual("16 [10, 5, 1]");
  }

  @Test
  void aFailureKeptInTheSessionTableSurvivesASnapshot() throws Exception {
    SnapshotOptions everySlot = SnapshotOptions.defaults().withIntervalSlots(1);
    startAll(ApplyFailurePolicy.FAIL_COMMAND, everySlot);
    int leader = awaitLeader().id();
    long session = 0x5AFEL;
    assertThatThrownBy(
            () -> untilProposed(() -> nodes.get(leader).submit(session, 1, 1, Ledger.amount(-1))))
        .cause()
        .isInstanceOf(CommandFailedException.class);
    long after =
        nodes.get(leader).submitWithSlot(Ledger.amount(3)).get(30, TimeUnit.SECONDS).slot();
    awaitReplicasEqual("3 [3]");
    // Every node snapshots a slot past the failed command's (a snapshot asked for while another is
    // written is skipped: no-ops make more slots until each node has one).
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              boolean done =
                  nodes.values().stream()
                      .allMatch(
                          n -> n.gauges().latestSnapshot().map(i -> i.slot()).orElse(0L) >= after);
              if (!done) {
                nodes.get(leader).submit(Ledger.amount(0));
              }
              return done;
            });

    restartAll(ApplyFailurePolicy.FAIL_COMMAND, everySlot);
    awaitReplicasEqual("3 [3]");
    assertThat(ledgers.values())
        .as("restored from the snapshot, not replayed")
        .allSatisfy(l -> assertThat(l.rejected).hasValue(0));
    int newLeader = awaitLeader().id();
    assertThatThrownBy(
            () ->
                untilProposed(() -> nodes.get(newLeader).submit(session, 1, 1, Ledger.amount(-1))))
        .cause()
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("balance 0 cannot pay 1");
    assertThat(ledgers.values()).allSatisfy(l -> assertThat(l.rejected).hasValue(0));
  }

  @Test
  void byDefaultAPoisonedCommandStopsEveryReplicaAndFailCommandRecoversThem() throws Exception {
    startAll(null, SnapshotOptions.disabled());
    int leader = awaitLeader().id();
    assertThat(balance(submit(leader, Ledger.amount(2)))).isEqualTo(2);
    assertThatThrownBy(() -> submit(leader, Ledger.amount(-7)))
        .cause()
        .isInstanceOf(NodeClosedException.class);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> nodes.values().stream().allMatch(n -> n.status().failure().isPresent()));
    assertThat(nodes.get(leader).status().failure().orElseThrow())
        .contains("IllegalArgumentException: balance 2 cannot pay 7");
    assertThat(failedEvents).isEmpty();
    assertThat(nodeFailures)
        .containsExactlyInAnyOrder(
            "1: java.lang.IllegalArgumentException: balance 2 cannot pay 7",
            "2: java.lang.IllegalArgumentException: balance 2 cannot pay 7",
            "3: java.lang.IllegalArgumentException: balance 2 cannot pay 7");

    restartAll(ApplyFailurePolicy.FAIL_COMMAND, SnapshotOptions.disabled());
    awaitReplicasEqual("2 [2]");
    int newLeader = awaitLeader().id();
    assertThat(balance(submit(newLeader, Ledger.amount(4)))).isEqualTo(6);
    awaitReplicasEqual("6 [2, 4]");
  }

  private int rejections() {
    return ledgers.values().stream().mapToInt(l -> l.rejected.get()).sum();
  }
}
