package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.NotLeaderException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.sim.Topology;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.FileStorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node cluster on real threads whose nodes keep their state in {@link FileStorage}, taking
 * snapshots every few slots so the logs are compacted several times during the run: every node is
 * closed and started again from its directory (snapshot, then the log after it), and the state is
 * the same and holds every acknowledged write; then the cluster takes more writes. Then one node's
 * directory is wiped: it rejoins as a learner only (it forgot its promises and votes, so it must
 * not vote again) and rebuilds its state from a peer's snapshot and log. And in a role-split
 * cluster, the nodes that host an acceptor but no learner compact their logs too, on the learners'
 * snapshots, and restart from the compaction.
 */
class FileStorageClusterTest {
  // Few retained slots (learners keep 8, a leader its window of 8), so a node that is far behind
  // must take a snapshot, not the log.
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100).withRetainedSlots(8).withWindow(8);
  // A snapshot every 5 slots, sent in small chunks so a transfer takes many messages.
  private static final SnapshotOptions OFTEN = new SnapshotOptions(5, 0, 512);
  private static final int WRITES = 300;
  private static final String FIRST_SEGMENT = "log-00000000000000000001.seg";

  @TempDir Path dir;

  private Path nodeDir(int id) {
    return dir.resolve("node-" + id);
  }

  private FileStorage open(int id) {
    try {
      Files.createDirectories(nodeDir(id));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Small segments, so the run rolls over several times and compaction deletes some. Node 2
    // overlaps two forces (its rollovers and deletions then run with a force in flight); the
    // others force one group at a time, the default.
    return FileStorage.open(
        nodeDir(id),
        "durable",
        id,
        FileStorageOptions.defaults()
            .withSegmentBytes(4 * 1024)
            .withForcesInFlight(id == 2 ? 2 : 1));
  }

  private List<String> files(int id) throws IOException {
    try (Stream<Path> s = Files.list(nodeDir(id))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void everyNodeRestartsFromDiskWithEveryAcknowledgedWrite() throws Exception {
    ClusterConfig config = ClusterConfig.of("durable", 1, 2, 3);
    try (LocalCluster cluster =
        new LocalCluster(config, FAST, Duration.ofSeconds(30), this::open, OFTEN)) {
      List<Long> acknowledged = writeInWaves(cluster, 0, WRITES);
      List<Long> before = awaitAgreement(cluster);
      assertThat(before).containsAll(acknowledged).hasSize(WRITES);

      cluster.close();
      for (int id : config.ids()) {
        assertThat(files(id))
            .as("node %d took a snapshot and compacted its log", id)
            .anyMatch(f -> f.startsWith("snapshot-") && f.endsWith(".snap"))
            .doesNotContain(FIRST_SEGMENT);
      }
      for (int id : config.ids()) {
        cluster.start(id);
      }
      assertRestoredAndGoesOn(cluster, config.ids(), before, acknowledged);
    }
  }

  @Test
  void aWipedNodeRejoinsAsALearnerOnlyAndRebuildsFromAPeersSnapshotAndLog() throws Exception {
    ClusterConfig config = ClusterConfig.of("durable", 1, 2, 3);
    try (LocalCluster cluster =
        new LocalCluster(config, FAST, Duration.ofSeconds(30), this::open, OFTEN)) {
      writeInWaves(cluster, 0, WRITES);
      awaitAgreement(cluster);
      int wiped = config.ids()[0];
      cluster.close(wiped);
      deleteContents(nodeDir(wiped));

      List<Long> acknowledged = writeInWaves(cluster, WRITES, WRITES + 100);
      cluster.start(wiped); // a member of an existing cluster, on an empty directory
      PaxosNode learnerOnly = cluster.nodes.get(wiped);
      assertThat(learnerOnly.votes()).as("a wiped member must not vote again").isFalse();
      assertThat(learnerOnly.status().learnerOnly()).isTrue();
      // Through the others while it catches up: a command made at a node that then installs a
      // snapshot ends with an unknown outcome (the snapshot may have applied it).
      acknowledged.addAll(writeInWaves(cluster, WRITES + 100, WRITES + 200, wiped));
      List<Long> state = awaitAgreement(cluster);
      assertThat(state).containsAll(acknowledged).hasSize(WRITES + 200);
      assertThat(cluster.machines.get(wiped).restores())
          .as("the wiped node installed a snapshot it received")
          .isPositive();
      // The two voters carry on alone (a majority of three): stop one and nothing is chosen; the
      // learner-only member never leads.
      acknowledged.addAll(writeInWaves(cluster, WRITES + 200, WRITES + 250));
      state = awaitAgreement(cluster);
      assertThat(state).containsAll(acknowledged).hasSize(WRITES + 250);
      assertThat(learnerOnly.isLeader()).isFalse();

      // It restarts from what it rebuilt, still a learner only: its directory holds no marker.
      cluster.close(wiped);
      cluster.start(wiped);
      assertThat(cluster.machines.get(wiped).applied()).isEqualTo(state);
      assertThat(cluster.nodes.get(wiped).votes()).isFalse();
    }
  }

  @Test
  void acceptorsWithoutALearnerCompactTheirLogsAndRestartFromThem() throws Exception {
    // Nodes 1-3 host every role (three learners: their snapshots count); 4 and 5 only accept.
    ClusterConfig config =
        ClusterConfig.withMajorities("durable", Topology.MIXED.cluster().members());
    int[] acceptorsOnly = {4, 5};
    try (LocalCluster cluster =
        new LocalCluster(config, FAST, Duration.ofSeconds(30), this::open, OFTEN)) {
      List<Long> acknowledged = writeInWaves(cluster, 0, WRITES);
      List<Long> before = awaitAgreement(cluster);
      assertThat(before).containsAll(acknowledged).hasSize(WRITES);
      for (int id : acceptorsOnly) {
        await()
            .atMost(Duration.ofSeconds(60))
            .alias("node " + id + " (acceptor only) deletes its first log segment")
            .until(() -> !files(id).contains(FIRST_SEGMENT));
      }

      cluster.close();
      long[] compacted = new long[6];
      for (int id : acceptorsOnly) {
        assertThat(files(id))
            .as("node %d keeps no snapshot of its own", id)
            .noneMatch(f -> f.startsWith("snapshot-"));
        DurableState durable = load(id);
        compacted[id] = durable.compactedThrough();
        assertThat(compacted[id]).as("node %d restarts compacted", id).isPositive();
        assertThat(durable.accepted())
            .as("node %d keeps no accepted entry it compacted", id)
            .allMatch(e -> e.slot() > compacted[id]);
        assertThat(load(id)).as("node %d loads the same state twice", id).isEqualTo(durable);
      }
      for (int id : config.ids()) {
        cluster.start(id);
      }
      assertRestoredAndGoesOn(cluster, new int[] {1, 2, 3}, before, acknowledged);
      cluster.close();
      for (int id : acceptorsOnly) {
        assertThat(load(id).compactedThrough())
            .as("node %d compacts further after its restart", id)
            .isGreaterThan(compacted[id]);
      }
    }
  }

  /** What node {@code id}'s directory holds, read with the node stopped. */
  private DurableState load(int id) {
    try (FileStorage storage = open(id)) {
      return storage.load();
    }
  }

  private static void deleteContents(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        if (!p.equals(d)) {
          Files.delete(p);
        }
      }
    }
  }

  /** Submit commands {@code from..to-1} in waves of 5, so they take many slots. */
  private static List<Long> writeInWaves(LocalCluster cluster, long from, long to)
      throws Exception {
    return writeInWaves(cluster, from, to, 0);
  }

  /** The same, through every live node but {@code avoid}. */
  private static List<Long> writeInWaves(LocalCluster cluster, long from, long to, int avoid)
      throws Exception {
    List<Long> acknowledged = new ArrayList<>();
    for (long start = from; start < to; start += 5) {
      acknowledged.addAll(write(cluster, start, Math.min(to, start + 5), avoid));
    }
    return acknowledged;
  }

  /**
   * Submit commands {@code from..to-1} round-robin and return those acknowledged. A command refused
   * with {@link NotLeaderException} was not proposed (a leader change under way): it is sent again.
   */
  private static List<Long> write(LocalCluster cluster, long from, long to, int avoid)
      throws Exception {
    List<Long> acknowledged = new ArrayList<>();
    for (long id = from; id < to; id++) {
      acknowledged.add(id);
    }
    List<Long> pending = new ArrayList<>(acknowledged);
    for (int attempt = 0; !pending.isEmpty(); attempt++) {
      assertThat(attempt).as("attempts to write %s", pending).isLessThan(20);
      cluster.awaitLeader();
      List<PaxosNode> nodes = cluster.live().stream().filter(n -> n.id() != avoid).toList();
      List<CompletableFuture<byte[]>> futures = new ArrayList<>();
      for (long id : pending) {
        futures.add(nodes.get((int) (id % nodes.size())).submit(RecordingStateMachine.command(id)));
      }
      List<Long> retry = new ArrayList<>();
      for (int i = 0; i < futures.size(); i++) {
        try {
          futures.get(i).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof NotLeaderException)) {
            throw e;
          }
          retry.add(pending.get(i));
        }
      }
      pending = retry;
    }
    return acknowledged;
  }

  /** Wait until every live learner applied the same commands, and return them. */
  /**
   * The learners {@code learners}, just restarted, hold {@code before} (the first {@code WRITES}
   * writes); the next {@code WRITES} writes then extend it, and every acknowledged one is applied.
   */
  private static void assertRestoredAndGoesOn(
      LocalCluster cluster, int[] learners, List<Long> before, List<Long> acknowledged)
      throws Exception {
    for (int id : learners) {
      assertThat(cluster.machines.get(id).applied())
          .as("node %d restored its snapshot and replayed its log after it", id)
          .isEqualTo(before);
    }

    acknowledged.addAll(writeInWaves(cluster, WRITES, 2 * WRITES));
    List<Long> after = awaitAgreement(cluster);
    assertThat(after.subList(0, before.size())).isEqualTo(before);
    assertThat(after).containsAll(acknowledged).hasSize(2 * WRITES);
  }

  private static List<Long> awaitAgreement(LocalCluster cluster) {
    List<Integer> learners =
        cluster.nodes.keySet().stream()
            .filter(id -> cluster.config.member(id).orElseThrow().has(Role.LEARNER))
            .toList();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                learners.stream().map(id -> cluster.machines.get(id).applied()).distinct().count()
                    == 1);
    return cluster.machines.get(learners.get(0)).applied();
  }
}
