package io.paxos.core.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.Consistency;
import io.paxos.core.NotLeaderException;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.transport.InMemoryNetwork;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes in one JVM running a typed state machine through its typed views: results come
 * back decoded, reads at every consistency are typed, typed and byte callers share one cluster,
 * codec refusals surface where the views document them, and a restart restores the typed state from
 * its snapshot and replays the rest through {@code applyWithoutResult}.
 */
class TypedClusterTest {
  // The default timings, not faster ones: on a loaded machine, 150 ms election timeouts change
  // leaders often enough to leave a command's outcome unknown past the command timeout.
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private static final SnapshotOptions EVERY_TWO_SLOTS = new SnapshotOptions(2, 0, 1024);
  private static final CommandCodecs<String, String> CODECS =
      CommandCodecs.of(Codec.utf8(2 << 20), Codec.utf8());
  private static final ClusterConfig CONFIG = ClusterConfig.of("typed", 1, 2, 3);

  @TempDir Path dir;
  private final InMemoryNetwork network = new InMemoryNetwork();
  private final Map<Integer, TypedPaxosNode<String, String>> nodes = new LinkedHashMap<>();

  private void start(int id, Bootstrap bootstrap) throws Exception {
    Files.createDirectories(dir.resolve("node-" + id));
    PaxosNode node =
        PaxosNode.builder()
            .config(CONFIG)
            .nodeId(id)
            .stateMachine(CODECS.stateMachine(new Journal()))
            .transport(network.transport(id))
            .storage(FileStorage.open(dir.resolve("node-" + id), "typed", id))
            .options(OPTIONS)
            .snapshots(EVERY_TWO_SLOTS)
            .commandTimeout(Duration.ofSeconds(30))
            .bootstrap(bootstrap)
            .build();
    nodes.put(id, CODECS.node(node));
  }

  /** Start every node and wait until all of them follow one leader. */
  private void startAll(Bootstrap bootstrap) throws Exception {
    for (int id : CONFIG.ids()) {
      start(id, bootstrap);
    }
    awaitOneLeader();
  }

  private void awaitOneLeader() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              var leaders = nodes.values().stream().map(n -> n.node().leaderId()).toList();
              return leaders.get(0).isPresent() && leaders.stream().distinct().count() == 1;
            });
  }

  @AfterEach
  void closeAll() {
    nodes.values().forEach(n -> n.node().close());
    nodes.clear();
  }

  /** Submit again while a change of leader refuses the command unproposed (safe to retry). */
  private <T> T untilProposed(Callable<CompletableFuture<T>> submit) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return submit.call().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException) || attempt == 100) {
          throw e;
        }
        awaitOneLeader();
      }
    }
  }

  private void awaitEveryNodeHolds(String journal) {
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              for (TypedPaxosNode<String, String> n : nodes.values()) {
                assertThat(n.read("all", Consistency.STALE).get(10, TimeUnit.SECONDS))
                    .as("node %d", n.node().id())
                    .isEqualTo(journal);
              }
            });
  }

  @Test
  void typedCommandsAndQueriesRoundTripThroughThreeNodes() throws Exception {
    startAll(Bootstrap.NEW);
    assertThat(untilProposed(() -> nodes.get(1).submit("a"))).isEqualTo("1");
    assertThat(untilProposed(() -> nodes.get(2).submit("b"))).isEqualTo("2");
    assertThat(untilProposed(() -> nodes.get(3).submit(""))).isEqualTo("3");

    TypedSlotResult<String> written = untilProposed(() -> nodes.get(1).submitWithSlot("ü"));
    assertThat(written.result()).isEqualTo("4");
    TypedSlotResult<String> read =
        nodes.get(3).read("all", Consistency.SEQUENTIAL, written.slot()).get(30, TimeUnit.SECONDS);
    assertThat(read.result()).isEqualTo("a,b,,ü");
    assertThat(read.slot()).isGreaterThanOrEqualTo(written.slot());
    assertThat(nodes.get(2).read("size", Consistency.LINEARIZABLE).get(30, TimeUnit.SECONDS))
        .isEqualTo("4");
    awaitEveryNodeHolds("a,b,,ü");
  }

  @Test
  void typedAndByteCallersShareOneCluster() throws Exception {
    startAll(Bootstrap.NEW);
    byte[] raw = "raw".getBytes(StandardCharsets.UTF_8);
    assertThat(untilProposed(() -> nodes.get(1).node().submit(raw)))
        .isEqualTo("1".getBytes(StandardCharsets.UTF_8));
    assertThat(untilProposed(() -> nodes.get(2).submit("typed"))).isEqualTo("2");
    byte[] all =
        nodes
            .get(3)
            .node()
            .read("all".getBytes(StandardCharsets.UTF_8), Consistency.LINEARIZABLE)
            .get(30, TimeUnit.SECONDS);
    assertThat(new String(all, StandardCharsets.UTF_8)).isEqualTo("raw,typed");
  }

  @Test
  void codecRefusalsSurfaceWhereTheViewsSayAndTheClusterGoesOn() throws Exception {
    startAll(Bootstrap.NEW);
    TypedPaxosNode<String, String> node = nodes.get(1);
    // Within the command codec's bound (2 MiB) but above the node's largest command (1 MiB).
    String tooLargeForTheNode = "x".repeat(OPTIONS.maxCommandBytes() + 1);
    assertThatThrownBy(() -> node.submit(tooLargeForTheNode))
        .isInstanceOf(IllegalArgumentException.class);
    // Above the command codec's bound: refused before the node sees it.
    String tooLargeForTheCodec = "x".repeat(CODECS.commands().maxBytes() + 1);
    assertThatThrownBy(() -> node.submit(tooLargeForTheCodec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above the bound of " + CODECS.commands().maxBytes());
    assertThatThrownBy(() -> node.read(tooLargeForTheCodec, Consistency.STALE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> node.submit(null)).isInstanceOf(NullPointerException.class);

    // A view whose result codec does not match: the result is refused, not misread.
    TypedPaxosNode<String, Long> mismatched =
        CommandCodecs.of(Codec.utf8(), Codec.int64()).node(node.node());
    CompletableFuture<Long> wrong = mismatched.read("size", Consistency.STALE);
    assertThatThrownBy(() -> wrong.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(CodecException.class)
        .cause()
        .hasMessage("int64 codec: needs exactly 8 bytes, got 1");

    // A query the state machine cannot decode fails that read only.
    CompletableFuture<byte[]> malformedQuery =
        node.node().read(new byte[] {(byte) 0xC3}, Consistency.STALE);
    assertThatThrownBy(() -> malformedQuery.get(30, TimeUnit.SECONDS))
        .hasCauseInstanceOf(CodecException.class);

    assertThat(untilProposed(() -> node.submit("still fine"))).isEqualTo("1");
    awaitEveryNodeHolds("still fine");
  }

  @Test
  void aRestartRestoresTheTypedStateFromItsSnapshotAndTheLogAfterIt() throws Exception {
    startAll(Bootstrap.NEW);
    for (String command : new String[] {"one", "two", "three", "four", "five"}) {
      untilProposed(() -> nodes.get(2).submit(command));
    }
    awaitEveryNodeHolds("one,two,three,four,five");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> hasSnapshot(1) && hasSnapshot(2) && hasSnapshot(3));
    closeAll();

    // Fresh Journal instances: restore from the snapshot, then applyWithoutResult for the rest.
    startAll(Bootstrap.EXISTING);
    awaitEveryNodeHolds("one,two,three,four,five");
    assertThat(untilProposed(() -> nodes.get(3).submit("six"))).isEqualTo("6");
    awaitEveryNodeHolds("one,two,three,four,five,six");
  }

  private boolean hasSnapshot(int id) throws Exception {
    try (var files = Files.list(dir.resolve("node-" + id))) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(".snap"));
    }
  }
}
