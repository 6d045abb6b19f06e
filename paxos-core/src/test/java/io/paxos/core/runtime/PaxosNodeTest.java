package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.Consistency;
import io.paxos.core.NodeClosedException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.transport.InMemoryNetwork;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PaxosNodeTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  private static LocalCluster cluster(int... ids) {
    return new LocalCluster(ClusterConfig.of("test", ids), FAST, Duration.ofSeconds(5));
  }

  private static byte[] get(CompletableFuture<byte[]> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void commandsSubmittedAtAnyNodeAreAppliedEverywhereInOneOrder() throws Exception {
    try (LocalCluster c = cluster(1, 2, 3)) {
      c.awaitLeader();
      List<CompletableFuture<byte[]>> futures = new ArrayList<>();
      for (int i = 0; i < 300; i++) {
        futures.add(c.nodes.get(1 + i % 3).submit(RecordingStateMachine.command(i)));
      }
      for (CompletableFuture<byte[]> f : futures) {
        get(f);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> c.machines.values().stream().allMatch(m -> m.size() == 300));
      assertThat(c.machines.get(2).applied()).isEqualTo(c.machines.get(1).applied());
      assertThat(c.machines.get(3).applied()).isEqualTo(c.machines.get(1).applied());
    }
  }

  @Test
  void theResultOfACommandIsWhatTheStateMachineReturned() throws Exception {
    try (LocalCluster c = cluster(1, 2, 3)) {
      PaxosNode leader = c.awaitLeader();
      assertThat(RecordingStateMachine.count(get(leader.submit(RecordingStateMachine.command(7)))))
          .isZero();
      PaxosNode follower = c.live().stream().filter(n -> !n.isLeader()).findFirst().orElseThrow();
      assertThat(
              RecordingStateMachine.count(get(follower.submit(RecordingStateMachine.command(8)))))
          .isEqualTo(1);
    }
  }

  @Test
  void aLinearizableReadAtAFollowerSeesEveryAcknowledgedWrite() throws Exception {
    try (LocalCluster c = cluster(1, 2, 3)) {
      PaxosNode leader = c.awaitLeader();
      PaxosNode follower = c.live().stream().filter(n -> n != leader).findFirst().orElseThrow();
      for (int i = 0; i < 50; i++) {
        get(leader.submit(RecordingStateMachine.command(i)));
        byte[] count = get(follower.read(new byte[0], Consistency.LINEARIZABLE));
        assertThat(RecordingStateMachine.count(count)).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void sequentialAndStaleReadsAreServedLocally() throws Exception {
    try (LocalCluster c = cluster(1, 2, 3)) {
      PaxosNode leader = c.awaitLeader();
      get(leader.submit(RecordingStateMachine.command(1)));
      assertThat(RecordingStateMachine.count(get(leader.read(new byte[0], Consistency.SEQUENTIAL))))
          .isEqualTo(1);
      assertThat(RecordingStateMachine.count(get(leader.read(new byte[0], Consistency.STALE))))
          .isBetween(0L, 1L);
    }
  }

  /**
   * Chosen values are applied before this node's copy is synced, so a node may have applied, and
   * returned in reads, more than its log holds after a crash. Its first SEQUENTIAL read therefore
   * waits for a read index (which needs a quorum); after that, SEQUENTIAL reads are local again.
   */
  @Test
  void aNodesFirstSequentialReadWaitsForAReadIndexAndLaterOnesAreLocal() throws Exception {
    java.util.Map<Integer, io.paxos.core.storage.InMemoryStorage> stores =
        new java.util.concurrent.ConcurrentHashMap<>();
    try (LocalCluster c =
        new LocalCluster(
            ClusterConfig.of("test", 1, 2, 3),
            FAST,
            Duration.ofSeconds(2),
            id -> stores.computeIfAbsent(id, k -> new io.paxos.core.storage.InMemoryStorage()))) {
      PaxosNode leader = c.awaitLeader();
      for (int i = 0; i < 5; i++) {
        get(leader.submit(RecordingStateMachine.command(i)));
      }
      int restarted = c.live().stream().filter(n -> n != leader).findFirst().orElseThrow().id();
      c.live().stream().filter(n -> n.id() != restarted).forEach(n -> c.close(n.id()));
      c.close(restarted);
      c.start(restarted); // alone: no quorum, no read index
      PaxosNode alone = c.nodes.get(restarted);

      assertThat(RecordingStateMachine.count(get(alone.read(new byte[0], Consistency.STALE))))
          .as("a STALE read is served from whatever the node replayed")
          .isBetween(0L, 5L);
      assertThatThrownBy(() -> get(alone.read(new byte[0], Consistency.SEQUENTIAL)))
          .as("the first SEQUENTIAL read needs a read index")
          .isInstanceOf(ExecutionException.class);

      for (int id : ClusterConfig.of("test", 1, 2, 3).ids()) {
        if (id != restarted) {
          c.start(id);
        }
      }
      c.awaitAgreedLeader();
      // Through a read index (retried if leadership moves meanwhile): at least everything
      // acknowledged before.
      byte[] first =
          await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> get(alone.read(new byte[0], Consistency.SEQUENTIAL)), r -> r != null);
      assertThat(RecordingStateMachine.count(first)).isGreaterThanOrEqualTo(5L);
      c.live().stream().filter(n -> n.id() != restarted).forEach(n -> c.close(n.id()));
      assertThat(RecordingStateMachine.count(get(alone.read(new byte[0], Consistency.SEQUENTIAL))))
          .as("once the floor is known, SEQUENTIAL reads are local again, without a quorum")
          .isGreaterThanOrEqualTo(5L);
    }
  }

  @Test
  void badInputIsRefusedWithAClearMessage() {
    try (LocalCluster c = cluster(1, 2, 3)) {
      PaxosNode node = c.nodes.get(1);
      assertThatThrownBy(() -> node.submit(null))
          .isInstanceOf(NullPointerException.class)
          .hasMessageContaining("command");
      byte[] huge = new byte[FAST.maxCommandBytes() + 1];
      assertThatThrownBy(() -> node.submit(huge))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("exceeds maxCommandBytes");
      assertThatThrownBy(() -> node.read(new byte[0], null))
          .isInstanceOf(NullPointerException.class);
    }
  }

  @Test
  void useAfterCloseFailsTheFuture() {
    try (LocalCluster c = cluster(1, 2, 3)) {
      PaxosNode node = c.nodes.get(1);
      node.close();
      node.close();
      assertThatThrownBy(() -> node.submit(new byte[1]).get())
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(NodeClosedException.class);
      assertThatThrownBy(() -> node.read(new byte[0], Consistency.STALE).get())
          .hasCauseInstanceOf(NodeClosedException.class);
    }
  }

  @Test
  void invalidBuildsAreRefusedWithAMessageThatSaysWhatIsWrong() {
    InMemoryNetwork network = new InMemoryNetwork();
    ClusterConfig config = ClusterConfig.of("test", 1, 2, 3);
    assertThatThrownBy(
            () ->
                PaxosNode.builder()
                    .config(config)
                    .nodeId(4)
                    .stateMachine(new RecordingStateMachine())
                    .transport(network.transport(4))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node id 4 is not a member");
    assertThatThrownBy(
            () ->
                PaxosNode.builder()
                    .config(config)
                    .nodeId(1)
                    .transport(network.transport(1))
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stateMachine");
    assertThatThrownBy(() -> PaxosNode.builder().nodeId(1).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("config");
    assertThatThrownBy(
            () ->
                PaxosNode.builder()
                    .config(config)
                    .nodeId(1)
                    .stateMachine(new RecordingStateMachine())
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("transport");
    assertThatThrownBy(() -> PaxosNode.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aNodeWhoseStorageFailsStopsInsteadOfGoingOn() throws Exception {
    try (LocalCluster c = cluster(1, 2, 3)) {
      PaxosNode leader = c.awaitLeader();
      get(leader.submit(RecordingStateMachine.command(1)));
      c.storages.get(leader.id()).failSyncs();
      CompletableFuture<byte[]> doomed = leader.submit(RecordingStateMachine.command(2));
      await().atMost(Duration.ofSeconds(30)).until(() -> leader.status().failure().isPresent());
      assertThat(leader.status().failure().orElseThrow()).contains("fsync failure");
      assertThat(leader.isLeader()).isFalse();
      await().atMost(Duration.ofSeconds(30)).until(doomed::isDone);
      assertThatThrownBy(() -> leader.submit(RecordingStateMachine.command(3)).get())
          .hasCauseInstanceOf(NodeClosedException.class);
      // The others elect a new leader and go on.
      c.nodes.remove(leader.id());
      PaxosNode next = c.awaitLeader();
      assertThat(next.id()).isNotEqualTo(leader.id());
      get(next.submit(RecordingStateMachine.command(4)));
    }
  }

  @Test
  void aRoleSplitClusterServesCommandsSubmittedAtProposerOnlyNodes() throws Exception {
    List<Member> members = new ArrayList<>();
    for (int id = 1; id <= 5; id++) {
      members.add(Member.of(id, Role.PROPOSER));
    }
    for (int id = 11; id <= 15; id++) {
      members.add(Member.of(id, Role.ACCEPTOR));
    }
    members.add(Member.of(21, Role.LEARNER));
    members.add(Member.of(22, Role.LEARNER));
    ClusterConfig config = ClusterConfig.withMajorities("split", members);
    InMemoryNetwork network = new InMemoryNetwork();
    List<PaxosNode> nodes = new ArrayList<>();
    RecordingStateMachine learner21 = new RecordingStateMachine();
    RecordingStateMachine learner22 = new RecordingStateMachine();
    try {
      for (Member m : config.members()) {
        PaxosNodeBuilder b =
            PaxosNode.builder()
                .config(config)
                .nodeId(m.id())
                .transport(network.transport(m.id()))
                .options(FAST);
        if (m.id() == 21) {
          b.stateMachine(learner21);
        } else if (m.id() == 22) {
          b.stateMachine(learner22);
        }
        nodes.add(b.build());
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> nodes.stream().anyMatch(PaxosNode::isLeader));
      for (int i = 0; i < 100; i++) {
        PaxosNode proposer = nodes.get(i % 5);
        assertThat(
                RecordingStateMachine.count(get(proposer.submit(RecordingStateMachine.command(i)))))
            .isEqualTo(i);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> learner22.size() == 100);
      assertThat(learner22.applied()).isEqualTo(learner21.applied());
      PaxosNode acceptorOnly = nodes.get(5);
      assertThatThrownBy(() -> acceptorOnly.read(new byte[0], Consistency.STALE))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("hosts no learner");
    } finally {
      nodes.forEach(PaxosNode::close);
    }
  }
}
