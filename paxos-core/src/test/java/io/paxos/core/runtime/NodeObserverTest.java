package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.transport.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a node reports through its observers: the events derived from the protocol (leadership,
 * commits, snapshots, catch-up), the gauges, and the operator's log lines of the {@link
 * io.paxos.core.observe.LoggingObserver} every node has.
 */
class NodeObserverTest {
  // A small window and retention: a learner far behind finds its slots forgotten by every peer (the
  // leader's proposer keeps a window of chosen values) and must install a snapshot.
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 40).withRetainedSlots(16).withWindow(8);

  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<Integer, PaxosNode> nodes = new LinkedHashMap<>();
  private final Map<Integer, RecordingObserver> observers = new LinkedHashMap<>();
  private final ClusterConfig config = ClusterConfig.of("observed", 1, 2, 3);

  private void start(SnapshotOptions snapshots) {
    for (int id : config.ids()) {
      RecordingObserver observer = new RecordingObserver();
      observers.put(id, observer);
      nodes.put(
          id,
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(new RecordingStateMachine())
              .transport(network.transport(id))
              .options(FAST)
              .snapshots(snapshots)
              .commandTimeout(Duration.ofSeconds(10))
              .observer(observer)
              .build());
    }
  }

  @AfterEach
  void stop() {
    nodes.values().forEach(PaxosNode::close);
  }

  private PaxosNode awaitLeader(int... among) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (int id : among) {
                if (nodes.get(id).isLeader()) {
                  return nodes.get(id);
                }
              }
              return null;
            },
            n -> n != null);
  }

  /** Wait until one node leads and every node's gauges name it; its id. */
  private int awaitAgreedLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (Map.Entry<Integer, RecordingObserver> e : observers.entrySet()) {
                int leader = e.getValue().gauges.leaderId();
                if (leader != 0
                    && nodes.get(leader).isLeader()
                    && observers.values().stream().allMatch(o -> o.gauges.leaderId() == leader)) {
                  return leader;
                }
              }
              return 0;
            },
            id -> id != 0);
  }

  private void write(PaxosNode at, int count) throws Exception {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      futures.add(at.submit(RecordingStateMachine.command(i)));
      if (futures.size() == 8) {
        for (CompletableFuture<byte[]> f : futures) {
          f.get(30, TimeUnit.SECONDS);
        }
        futures.clear();
      }
    }
    for (CompletableFuture<byte[]> f : futures) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLeaderChangeIsReportedOnceAndLoggedInOneLineEach() throws Exception {
    try (LogCapture log = new LogCapture()) {
      start(SnapshotOptions.disabled());
      int old = awaitAgreedLeader();
      RecordingObserver oldObserver = observers.get(old);
      // Under load an election may take more than one round; each round is one event, one line.
      long wins = oldObserver.count("becameLeader");
      long losses = oldObserver.count("lostLeadership");
      assertThat(wins).isEqualTo(losses + 1);
      assertThat(log.lines("node " + old + " became leader with ballot ")).hasSize((int) wins);
      for (int id : config.ids()) {
        // Every node learns who leads; the started line names its roles and storage.
        assertThat(observers.get(id).events).contains("leader " + old);
        assertThat(log.lines("node " + id + " of cluster observed started: roles "))
            .singleElement()
            .asString()
            .contains(
                "roles proposer,acceptor,learner", "storage memory", "recovered through slot 0");
      }

      network.isolate(old);
      int[] others = java.util.Arrays.stream(config.ids()).filter(id -> id != old).toArray();
      int second = awaitLeader(others).id();
      await().until(() -> oldObserver.count("lostLeadership") == losses + 1);
      // Cut off, it can only have lost its quorum: it hears no higher ballot.
      assertThat(oldObserver.events.stream().filter(e -> e.startsWith("lostLeadership")))
          .last()
          .isEqualTo("lostLeadership QUORUM_LOST");
      assertThat(log.lines("node " + old + " lost leadership (ballot "))
          .hasSize((int) losses + 1)
          .last()
          .asString()
          .contains("no quorum of acceptors answered within the election timeout");
      assertThat(log.lines("node " + second + " became leader with ballot "))
          .hasSize((int) observers.get(second).count("becameLeader"));
      int bystander = others[0] == second ? others[1] : others[0];
      await().until(() -> observers.get(bystander).events.contains("leader " + second));
      assertThat(log.lines("node " + bystander + " follows leader " + second))
          .hasSize((int) observers.get(bystander).count("leader " + second));

      // Back in touch, the old leader follows a leader again (it may win the next election: it
      // campaigned with higher ballots while cut off). Each transition is reported once, in turn,
      // and logged in one line.
      network.reconnect(old);
      awaitAgreedLeader();
      List<String> transitions =
          oldObserver.events.stream()
              .filter(e -> e.startsWith("becameLeader") || e.startsWith("lostLeadership"))
              .toList();
      for (int i = 0; i < transitions.size(); i++) {
        assertThat(transitions.get(i)).startsWith(i % 2 == 0 ? "becameLeader" : "lostLeadership");
      }
      assertThat(log.lines("node " + old + " became leader with ballot "))
          .hasSize((int) oldObserver.count("becameLeader"));
      assertThat(log.lines("node " + old + " lost leadership (ballot "))
          .hasSize((int) oldObserver.count("lostLeadership"));
    }
  }

  @Test
  void commitsLatenciesAndGaugesMoveWithTheLoad() throws Exception {
    start(SnapshotOptions.disabled());
    PaxosNode leader = awaitLeader(1, 2, 3);
    write(leader, 100);
    RecordingObserver atLeader = observers.get(leader.id());
    assertThat(atLeader.proposed.get()).isEqualTo(100);
    await().until(() -> atLeader.chosenCommands.get() == 100);
    assertThat(atLeader.chosenSlots.get()).isBetween(1L, 100L + 3); // batches, and no-ops
    assertThat(atLeader.latencies.get()).isPositive();
    for (int id : config.ids()) {
      RecordingObserver o = observers.get(id);
      await().until(() -> o.gauges.appliedSlot() == atLeader.gauges.appliedSlot());
      assertThat(o.gauges.isLeader()).isEqualTo(id == leader.id());
      assertThat(o.gauges.leaderId()).isEqualTo(leader.id());
      assertThat(o.gauges.ballotRound()).isPositive();
      assertThat(o.gauges.commitSlot()).isGreaterThanOrEqualTo(o.gauges.appliedSlot());
      assertThat(o.gauges.logBytes()).isZero(); // in memory
      assertThat(o.gauges.peersReachable()).isEmpty(); // the in-memory transport says nothing
      assertThat(nodes.get(id).gauges().appliedSlot()).isEqualTo(o.gauges.appliedSlot());
      assertThat(o.started.storage()).isEqualTo("memory");
    }
  }

  @Test
  void aSnapshotTakenAndOneInstalledAfterACatchUpAreReportedAndLogged() throws Exception {
    try (LogCapture log = new LogCapture()) {
      start(SnapshotOptions.defaults().withIntervalSlots(10).withIntervalBytes(0));
      PaxosNode leader = awaitLeader(1, 2, 3);
      int behind = leader.id() == 3 ? 2 : 3;
      network.isolate(behind);
      write(leader, 400);
      RecordingObserver atLeader = observers.get(leader.id());
      await().until(() -> atLeader.count("snapshotTaken") > 0);
      assertThat(log.lines("node " + leader.id() + " took a snapshot of slot ")).isNotEmpty();

      network.reconnect(behind);
      RecordingObserver late = observers.get(behind);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> late.gauges.appliedSlot() >= atLeader.gauges.appliedSlot());
      await().until(() -> late.count("catchUpFinished") > 0);
      assertThat(late.events).contains("catchUpStarted", "snapshotInstalled");
      assertThat(late.events.indexOf("catchUpStarted"))
          .isLessThan(late.events.indexOf("snapshotInstalled"));
      assertThat(log.lines("node " + behind + " installs the snapshot of slot "))
          .first()
          .asString()
          .containsPattern("\\(\\d+ bytes\\) from node \\d");
      assertThat(log.lines("node " + behind + " is behind: catching up slots ")).isNotEmpty();
      assertThat(log.lines("node " + behind + " caught up through slot ")).isNotEmpty();
      // Never a line per command: 400 writes print far fewer lines than that.
      assertThat(log.lines("node ").size()).isLessThan(100);
    }
  }
}
