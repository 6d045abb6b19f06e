package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.AppliedSlot;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.config.WatchOptions;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.NodeServer;
import io.paxos.grpc.NodeSettings;
import io.paxos.grpc.client.ClientWatch;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.client.WatchListener;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key watch through {@link PaxosClient#watch} on a 3-node key-value cluster of {@link
 * NodeServer}s with file storage: the watched node (the leader) crashes, then the node the watch
 * moved to is restarted, and writes go on throughout; every change arrives exactly once, in slot
 * order, and the changes replayed give the store's final state.
 */
class KvWatchFailoverTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final ClusterConfig CONFIG = ClusterConfig.of("kvwatch", 1, 2, 3);

  @TempDir Path dir;
  private final Map<Integer, NodeServer> servers = new TreeMap<>();
  private final Map<Integer, Endpoint> addresses = new TreeMap<>();

  @AfterEach
  void stopAll() {
    servers.values().forEach(NodeServer::close);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private void start(int id, boolean bootstrapNew) {
    NodeSettings settings =
        NodeSettings.of(CONFIG, id, addresses, dir.resolve("node-" + id))
            .withListenHost("127.0.0.1")
            .withProtocol(FAST)
            .withSnapshots(new SnapshotOptions(20, 0, 64 << 10))
            .withCommandTimeout(Duration.ofSeconds(5))
            .withBootstrapNew(bootstrapNew);
    servers.put(
        id,
        NodeServer.start(
            settings, KeyValueStore::new, b -> b.watchHistory(WatchOptions.defaults())));
  }

  private void stop(int id) {
    servers.remove(id).close();
  }

  private int idOf(Endpoint e) {
    return addresses.entrySet().stream()
        .filter(x -> x.getValue().equals(e))
        .findFirst()
        .orElseThrow()
        .getKey();
  }

  private int awaitLeader() {
    return await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                servers.values().stream()
                    .filter(s -> s.node().isLeader())
                    .map(s -> s.node().id())
                    .findFirst()
                    .orElse(0),
            id -> id != 0);
  }

  /** What the watch reported, in order. */
  private static final class Changes implements WatchListener {
    final List<KvChange> seen = new ArrayList<>();
    final KeyPatterns all = KeyPatterns.of(List.of("*"));

    @Override
    public synchronized void onSlot(AppliedSlot slot) {
      seen.addAll(KvChange.of(slot, all));
    }

    synchronized List<KvChange> seen() {
      return List.copyOf(seen);
    }
  }

  private static void write(PaxosClient client, int from, int to) throws Exception {
    List<CompletableFuture<byte[]>> writes = new ArrayList<>();
    for (int i = from; i <= to; i++) {
      writes.add(client.submit(KvCommand.put("k" + (i % 7), "v" + i).encode()));
      if (i % 5 == 0) {
        writes.add(client.submit(KvCommand.delete("k" + (i % 3)).encode()));
      }
    }
    for (CompletableFuture<byte[]> w : writes) {
      w.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyChangeArrivesOnceInSlotOrderThroughALeaderCrashAndARestart() throws Exception {
    for (int id : CONFIG.ids()) {
      addresses.put(id, new Endpoint("127.0.0.1", freePort()));
    }
    for (int id : CONFIG.ids()) {
      start(id, true);
    }
    int leader = awaitLeader();
    List<Endpoint> leaderFirst = new ArrayList<>(List.of(addresses.get(leader)));
    addresses.forEach(
        (id, e) -> {
          if (id != leader) leaderFirst.add(e);
        });

    Changes changes = new Changes();
    try (PaxosClient client =
            PaxosClient.builder()
                .endpoints(leaderFirst)
                .timeout(Duration.ofSeconds(30))
                .seed(11)
                .build();
        ClientWatch watch = client.watch(1, changes)) {
      write(client, 1, 30);
      await().atMost(Duration.ofSeconds(20)).until(() -> watch.node().isPresent());
      assertThat(idOf(watch.node().get())).as("watching the leader").isEqualTo(leader);

      stop(leader); // the watched node crashes
      write(client, 31, 60);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> watch.node().map(e -> idOf(e) != leader).orElse(false));
      start(leader, false);

      int watched = idOf(watch.node().orElseThrow());
      stop(watched); // and the node it moved to restarts
      write(client, 61, 80);
      start(watched, false);
      write(client, 81, 100);

      Map<String, String> expected = new HashMap<>();
      long lastSlot = 0;
      // Generous: on a loaded 2-core machine the watch may take several reconnects to catch up.
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                byte[] r =
                    client
                        .read(
                            KvCommand.get("k" + (100 % 7)).encode(),
                            io.paxos.core.Consistency.LINEARIZABLE)
                        .get(5, TimeUnit.SECONDS);
                return KvResult.decode(r) instanceof KvResult.Found f
                    && f.text().equals("v100")
                    && changes.seen().stream()
                        .anyMatch(
                            c -> c.value().map(v -> new String(v).equals("v100")).orElse(false));
              });
      List<KvChange> seen = changes.seen();
      // every put of v1..v100 exactly once (each value is written once)
      List<String> values =
          seen.stream().filter(c -> !c.deleted()).map(c -> new String(c.value().get())).toList();
      assertThat(values).doesNotHaveDuplicates().hasSize(100);
      for (KvChange c : seen) {
        assertThat(c.slot()).as("slot order").isGreaterThanOrEqualTo(lastSlot);
        lastSlot = c.slot();
        if (c.deleted()) {
          expected.remove(c.key());
        } else {
          expected.put(c.key(), new String(c.value().get()));
        }
      }
      // the changes replayed give the store's state
      for (int k = 0; k < 7; k++) {
        byte[] r =
            client
                .read(KvCommand.get("k" + k).encode(), io.paxos.core.Consistency.LINEARIZABLE)
                .get(10, TimeUnit.SECONDS);
        KvResult result = KvResult.decode(r);
        String actual = result instanceof KvResult.Found f ? f.text() : null;
        assertThat(actual).as("k" + k).isEqualTo(expected.get("k" + k));
      }
    }
  }
}
