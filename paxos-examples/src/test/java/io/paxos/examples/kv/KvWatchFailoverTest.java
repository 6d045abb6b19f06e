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
import org.awaitility.core.ConditionTimeoutException;
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
    volatile Throwable error;

    @Override
    public synchronized void onSlot(AppliedSlot slot) {
      seen.addAll(KvChange.of(slot, all));
    }

    @Override
    public void onError(Throwable e) {
      error = e;
    }

    /**
     * What was seen, after checking that the watch did not end: an ended watch never catches up.
     */
    synchronized int count() {
      return seen.size();
    }

    synchronized List<KvChange> seen() {
      if (error != null) {
        throw new AssertionError("the watch ended", error);
      }
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

  /** Where the watch and each node stand: named when the watch does not catch up. */
  private String describe(ClientWatch watch, Changes changes) {
    StringBuilder b = new StringBuilder();
    b.append("next slot ")
        .append(watch.nextSlot())
        .append(" at ")
        .append(watch.node().map(this::idOf).map(String::valueOf).orElse("none"))
        .append(", ")
        .append(changes.count())
        .append(" changes;");
    servers.forEach(
        (id, s) ->
            b.append(" node ")
                .append(id)
                .append(": applied ")
                .append(s.node().status().appliedSlot())
                .append(s.node().isLeader() ? " (leader)" : ""));
    return b.toString();
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

      int watched = // read once: between two streams the watch is at no node
          await()
              .atMost(Duration.ofSeconds(20))
              .until(() -> watch.node().map(this::idOf).orElse(0), id -> id != 0);
      stop(watched); // and the node it moved to restarts
      write(client, 61, 80);
      start(watched, false);
      write(client, 81, 100);

      // Every write is acknowledged and the store's state is final: the watch must come to report
      // every put, and the changes it reported, replayed, must give the store's state. (Not "until
      // k2 reads v100": the writes of one batch are in flight together, so the cluster may order
      // them either way.) Generous: on a loaded 2-core machine the watch may take several
      // reconnects to catch up.
      Map<String, String> store = readAll(client);
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    putValues(changes.seen()).size() == 100
                        && replay(changes.seen()).equals(store));
      } catch (ConditionTimeoutException e) {
        throw new AssertionError(
            "the watch did not catch up: " + describe(watch, changes) + "; store " + store, e);
      }
      List<KvChange> seen = changes.seen();
      // every put of v1..v100 exactly once (each value is written once), in slot order
      assertThat(putValues(seen)).doesNotHaveDuplicates().hasSize(100);
      assertThat(seen.stream().map(KvChange::slot).toList()).as("slot order").isSorted();
    }
  }

  private static List<String> putValues(List<KvChange> seen) {
    return seen.stream().filter(c -> !c.deleted()).map(c -> new String(c.value().get())).toList();
  }

  /** The state the changes give, replayed in the order they were reported. */
  private static Map<String, String> replay(List<KvChange> seen) {
    Map<String, String> state = new HashMap<>();
    for (KvChange c : seen) {
      if (c.deleted()) {
        state.remove(c.key());
      } else {
        state.put(c.key(), new String(c.value().get()));
      }
    }
    return state;
  }

  /** Every key the test writes, read linearizably: those present, with their values. */
  private static Map<String, String> readAll(PaxosClient client) throws Exception {
    Map<String, String> state = new HashMap<>();
    for (int k = 0; k < 7; k++) {
      byte[] r =
          client
              .read(KvCommand.get("k" + k).encode(), io.paxos.core.Consistency.LINEARIZABLE)
              .get(10, TimeUnit.SECONDS);
      if (KvResult.decode(r) instanceof KvResult.Found f) {
        state.put("k" + k, f.text());
      }
    }
    return state;
  }
}
