package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PaxosNode#changeMembership} on real nodes with file storage (docs/membership.md): a
 * cluster of three grows to five with two joining nodes, shrinks to three without the first two
 * members, a node that joins in epoch 2 (with the cluster's original file) replaces one of them,
 * and a node restarted from its snapshot resumes in the membership it was in; changes that must be
 * refused are, with the reason.
 */
class MembershipChangeTest {
  private static final ProtocolOptions OPTIONS =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 60);
  private static final SnapshotOptions SNAPSHOTS = new SnapshotOptions(8, 0, 64 * 1024);

  @TempDir Path dir;
  private LocalCluster cluster;
  private final AtomicLong ids = new AtomicLong();

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private LocalCluster start(int... ids) {
    cluster =
        new LocalCluster(
            ClusterConfig.of("grow", ids),
            OPTIONS,
            Duration.ofSeconds(10),
            id -> LocalCluster.openFileStorage(dir, "grow", id),
            SNAPSHOTS);
    return cluster;
  }

  private void write(int count) throws Exception {
    for (int i = 0; i < count; i++) {
      long id = ids.incrementAndGet();
      cluster.submitUntilProposed(
          () -> cluster.awaitAgreedLeader().submit(RecordingStateMachine.command(id)));
    }
  }

  /** Change the membership at the leader, retrying while a joining acceptor catches up. */
  private ClusterEpoch change(ClusterConfig next) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> attempt(next), epoch -> epoch != null);
  }

  /** One attempt: the new membership, or null if refused for a reason that passes. */
  private ClusterEpoch attempt(ClusterConfig next) throws Exception {
    PaxosNode leader = cluster.live().stream().filter(PaxosNode::isLeader).findFirst().orElse(null);
    if (leader == null) {
      return null; // an election (not awaitAgreedLeader: a joining node knows no leader yet)
    }
    try {
      return leader.changeMembership(next).get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof NotLeaderException
          || e.getCause().getMessage().contains("has not asked this leader")) {
        return null; // a leader change, or a joining node not caught up yet
      }
      throw e;
    }
  }

  private void awaitSameState(int... nodes) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              List<Long> first = cluster.machines.get(nodes[0]).applied();
              assertThat(first).hasSize((int) ids.get());
              for (int n : nodes) {
                assertThat(cluster.machines.get(n).applied()).as("node %d", n).isEqualTo(first);
              }
            });
  }

  @Test
  void growsToFiveWithJoiningNodesThenShrinksAndARestartResumesInItsEpoch() throws Exception {
    start(1, 2, 3);
    write(20);
    cluster.join(4);
    cluster.join(5);
    assertThat(cluster.nodes.get(4).membership().epoch()).isZero();
    assertThatThrownBy(() -> cluster.nodes.get(4).submit(new byte[8]).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(NotLeaderException.class);

    ClusterConfig five = ClusterConfig.of("grow", 1, 2, 3, 4, 5);
    ClusterEpoch grown = change(five);
    assertThat(grown.epoch()).isEqualTo(1);
    assertThat(grown.config()).isEqualTo(five);
    write(20);
    awaitSameState(1, 2, 3, 4, 5);
    for (int n = 1; n <= 5; n++) {
      assertThat(cluster.nodes.get(n).membership()).as("node %d", n).isEqualTo(grown);
    }

    ClusterConfig last3 = ClusterConfig.of("grow", 3, 4, 5);
    ClusterEpoch shrunk = change(last3);
    assertThat(shrunk.epoch()).isEqualTo(2);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> cluster.nodes.get(1).membership().epoch() == 2);
    assertThatThrownBy(() -> cluster.nodes.get(1).submit(new byte[8]).get(10, TimeUnit.SECONDS))
        .as("a removed node serves no commands")
        .hasCauseInstanceOf(NotLeaderException.class);
    cluster.close(1); // the operator stops the removed machines
    cluster.close(2);
    write(20);
    awaitSameState(3, 4, 5);

    // A node joining now, with the original file, replaces node 3.
    cluster.join(6);
    ClusterConfig replacing3 = ClusterConfig.of("grow", 4, 5, 6);
    ClusterEpoch replaced = change(replacing3);
    assertThat(replaced.epoch()).isEqualTo(3);
    cluster.close(3);
    write(5);
    awaitSameState(4, 5, 6);

    // Restarted, node 4 recovers its snapshot and log: it is in epoch 3 at once.
    cluster.close(4);
    cluster.start(4);
    assertThat(cluster.nodes.get(4).membership().epoch()).isEqualTo(3);
    assertThat(cluster.nodes.get(4).config()).isEqualTo(replacing3);
    write(10);
    awaitSameState(4, 5, 6);
  }

  @Test
  void changesThatMayNotHappenAreRefusedWithTheReason() throws Exception {
    start(1, 2, 3);
    write(3);
    PaxosNode leader = cluster.awaitAgreedLeader();
    PaxosNode follower =
        cluster.live().stream().filter(n -> n.id() != leader.id()).findFirst().orElseThrow();
    ClusterConfig two = ClusterConfig.of("grow", 1, 2);

    assertThatThrownBy(() -> follower.changeMembership(two).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(NotLeaderException.class);
    assertThatThrownBy(
            () ->
                leader
                    .changeMembership(ClusterConfig.of("other", 1, 2, 3))
                    .get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MembershipChangeException.class)
        .hasMessageContaining("cluster id must stay grow");
    assertThatThrownBy(
            () ->
                leader
                    .changeMembership(ClusterConfig.of("grow", 1, 2, 3, 9))
                    .get(10, TimeUnit.SECONDS))
        .as("node 9 never ran, so never caught up")
        .hasCauseInstanceOf(MembershipChangeException.class)
        .hasMessageContaining("new acceptor 9 has not asked this leader");
    assertThatThrownBy(() -> leader.changeMembership(cluster.config).get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MembershipChangeException.class)
        .hasMessageContaining("already");

    // Two at once: the second is refused while the first is in flight, or after it took effect
    // (then it would change nothing, or the leader moved on).
    CompletableFuture<ClusterEpoch> first = leader.changeMembership(two);
    CompletableFuture<ClusterEpoch> second =
        leader.changeMembership(ClusterConfig.of("grow", 1, 3));
    assertThat(first.get(30, TimeUnit.SECONDS).epoch()).isEqualTo(1);
    assertThatThrownBy(() -> second.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(MembershipChangeException.class);
    assertThat(leader.config()).isEqualTo(two);
  }
}
