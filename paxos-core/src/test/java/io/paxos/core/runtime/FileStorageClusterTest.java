package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.FileStorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node cluster on real threads whose nodes keep their state in {@link FileStorage}: every node
 * is closed and started again from its directory, and the state is the same and holds every
 * acknowledged write; then the cluster takes more writes.
 */
class FileStorageClusterTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final int WRITES = 300;

  @TempDir Path dir;

  private FileStorage open(int id) {
    Path nodeDir = dir.resolve("node-" + id);
    try {
      Files.createDirectories(nodeDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // Small segments, so the run rolls over several times.
    return FileStorage.open(
        nodeDir, "durable", id, FileStorageOptions.defaults().withSegmentBytes(16 * 1024));
  }

  @Test
  void everyNodeRestartsFromDiskWithEveryAcknowledgedWrite() throws Exception {
    ClusterConfig config = ClusterConfig.of("durable", 1, 2, 3);
    try (LocalCluster cluster =
        new LocalCluster(config, FAST, Duration.ofSeconds(30), this::open)) {
      List<Long> acknowledged = write(cluster, 0, WRITES);
      List<Long> before = awaitAgreement(cluster);
      assertThat(before).containsAll(acknowledged).hasSize(WRITES);

      cluster.close();
      for (int id : config.ids()) {
        cluster.start(id);
      }
      for (int id : config.ids()) {
        assertThat(cluster.machines.get(id).applied())
            .as("node %d replayed its log", id)
            .isEqualTo(before);
      }

      acknowledged.addAll(write(cluster, WRITES, 2 * WRITES));
      List<Long> after = awaitAgreement(cluster);
      assertThat(after.subList(0, before.size())).isEqualTo(before);
      assertThat(after).containsAll(acknowledged).hasSize(2 * WRITES);
    }
  }

  /** Submit commands {@code from..to-1} round-robin and return those acknowledged. */
  private static List<Long> write(LocalCluster cluster, long from, long to) throws Exception {
    cluster.awaitLeader();
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    List<PaxosNode> nodes = cluster.live();
    for (long id = from; id < to; id++) {
      PaxosNode node = nodes.get((int) (id % nodes.size()));
      futures.add(node.submit(RecordingStateMachine.command(id)));
    }
    List<Long> acknowledged = new ArrayList<>();
    for (int i = 0; i < futures.size(); i++) {
      futures.get(i).get(60, TimeUnit.SECONDS);
      acknowledged.add(from + i);
    }
    return acknowledged;
  }

  /** Wait until every node applied the same commands, and return them. */
  private static List<Long> awaitAgreement(LocalCluster cluster) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                cluster.machines.values().stream()
                        .map(RecordingStateMachine::applied)
                        .distinct()
                        .count()
                    == 1);
    return cluster.machines.values().iterator().next().applied();
  }
}
