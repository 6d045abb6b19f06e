package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.observe.WriteStep;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.InMemoryNetwork;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes over the in-memory network, writes submitted at the leader: with every write
 * sampled (every slot: the writes may all fall into one slot, odd or even), every {@link WriteStep}
 * is reported (in memory, where the event loop writes, and on files, where the storage thread
 * does); with sampling off, none is. Counts only, never timings.
 */
class WriteStagesClusterTest {
  private static final ClusterConfig CONFIG = ClusterConfig.of("stages", 1, 2, 3);
  private static final int WRITES = 200;

  @TempDir Path dir;
  private final List<PaxosNode> nodes = new ArrayList<>();

  @AfterEach
  void stop() {
    nodes.forEach(PaxosNode::close);
  }

  private WriteStagesTest.Steps run(int every, IntFunction<Storage> storage) throws Exception {
    InMemoryNetwork network = new InMemoryNetwork();
    WriteStagesTest.Steps steps = new WriteStagesTest.Steps();
    for (int id : CONFIG.ids()) {
      nodes.add(
          PaxosNode.builder()
              .config(CONFIG)
              .nodeId(id)
              .stateMachine(new RecordingStateMachine())
              .transport(network.transport(id))
              .storage(storage.apply(id))
              .bootstrap(io.paxos.core.config.Bootstrap.NEW)
              .observer(steps)
              .writeStageSampling(every)
              .build());
    }
    await().atMost(30, TimeUnit.SECONDS).until(() -> nodes.stream().anyMatch(PaxosNode::isLeader));
    PaxosNode leader = nodes.stream().filter(PaxosNode::isLeader).findFirst().orElseThrow();
    List<CompletableFuture<byte[]>> writes = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
      writes.add(leader.submit(RecordingStateMachine.command(i)));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    return steps;
  }

  @Test
  void everyStepIsReportedInMemory() throws Exception {
    WriteStagesTest.Steps steps = run(1, id -> new InMemoryStorage());
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(steps.counts()).containsOnlyKeys(WriteStep.values()));
  }

  @Test
  void everyStepIsReportedOnFilesThroughTheStorageThread() throws Exception {
    WriteStagesTest.Steps steps = run(1, id -> FileStorage.open(directory(id), "stages", id));
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(steps.counts()).containsOnlyKeys(WriteStep.values()));
  }

  private Path directory(int id) {
    try {
      return java.nio.file.Files.createDirectories(dir.resolve("node-" + id));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void nothingIsReportedWhenSamplingIsOff() throws Exception {
    WriteStagesTest.Steps steps = run(0, id -> new InMemoryStorage());
    assertThat(steps.reported).isEmpty();
  }
}
