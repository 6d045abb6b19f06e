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
      PaxosNode first = awaitLeader(1, 2, 3);
      int old = first.id();
      RecordingObserver oldObserver = observers.get(old);
      await().until(() -> oldObserver.count("becameLeader") == 1);
      assertThat(log.lines("node " + old + " became leader with ballot ")).hasSize(1);
      for (int id : config.ids()) {
        // Every node learns who leads; the started line names its roles and storage.
        await().until(() -> observers.get(id).events.contains("leader " + old));
        assertThat(log.lines("node " + id + " of cluster observed started: roles "))
            .singleElement()
            .asString()
            .contains(
                "roles proposer,acceptor,learner", "storage memory", "recovered through slot 0");
      }

      network.isolate(old);
      int[] others = java.util.Arrays.stream(config.ids()).filter(id -> id != old).toArray();
      PaxosNode second = awaitLeader(others);
      await().until(() -> oldObserver.count("lostLeadership") == 1);
      assertThat(oldObserver.events).contains("lostLeadership QUORUM_LOST");
      assertThat(log.lines("node " + old + " lost leadership (ballot "))
          .singleElement()
          .asString()
          .contains("no quorum of acceptors answered");
      assertThat(log.lines("node " + second.id() + " became leader with ballot ")).hasSize(1);
      int bystander = others[0] == second.id() ? others[1] : others[0];
      await().until(() -> observers.get(bystander).events.contains("leader " + second.id()));
      assertThat(log.lines("node " + bystander + " follows leader " + second.id())).hasSize(1);

      network.reconnect(old);
      await().until(() -> observers.get(old).events.contains("leader " + second.id()));
      assertThat(oldObserver.count("becameLeader")).isEqualTo(1);
      assertThat(oldObserver.count("lostLeadership")).isEqualTo(1);
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
