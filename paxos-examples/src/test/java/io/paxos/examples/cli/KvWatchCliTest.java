package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code kv watch} against a 3-node key-value cluster over gRPC: prints the changes of matching
 * keys, one line each, and follows the cluster through the crash of the node it watches (the
 * leader) with every change printed once, in slot order.
 */
class KvWatchCliTest {
  private static final byte[] NO_INPUT = new byte[0];
  private static final ObjectMapper JSON = new ObjectMapper();

  private static LocalCluster cluster() {
    LocalCluster c =
        LocalCluster.builder()
            .config(ClusterConfig.of("kvwatch", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .watchHistory(WatchOptions.defaults())
            .start();
    c.awaitLeader(Duration.ofSeconds(30));
    return c;
  }

  @Test
  void printsTheChangesOfMatchingKeysOneLineEach() {
    try (LocalCluster c = cluster()) {
      List<Endpoint> e = c.endpoints();
      assertThat(KvRun.run(e, NO_INPUT, "put", "w1", "a").exit()).isZero();
      assertThat(KvRun.run(e, NO_INPUT, "put", "x", "b").exit()).isZero();
      assertThat(KvRun.run(e, NO_INPUT, "delete", "w9").exit()).isZero(); // missing: no change
      assertThat(KvRun.run(e, NO_INPUT, "delete", "w1").exit()).isZero();

      KvRun watch = KvRun.run(e, NO_INPUT, "watch", "w*", "--from-slot", "0", "--max-changes", "2");
      assertThat(watch.exit()).as("%s", watch).isZero();
      assertThat(watch.lines()).hasSize(2);
      assertThat(watch.lines().get(0)).matches("\\d+ put w1 = a");
      assertThat(watch.lines().get(1)).matches("\\d+ delete w1");

      KvRun json =
          KvRun.run(e, NO_INPUT, "watch", "x", "--from-slot", "1", "--max-changes", "1", "--json");
      assertThat(json.exit()).as("%s", json).isZero();
      assertThat(json.lines()).hasSize(1).allMatch(l -> l.contains("\"op\":\"put\""));

      KvRun bad = KvRun.run(e, NO_INPUT, "watch", "*", "--from-slot", "-1");
      assertThat(bad.exit()).isEqualTo(Exits.USAGE);
      assertThat(bad.errLines()).hasSize(1);
      assertThat(KvRun.run(e, NO_INPUT, "watch", "").exit()).isEqualTo(Exits.USAGE);
      assertThat(KvRun.run(e, NO_INPUT, "watch").exit()).isEqualTo(Exits.USAGE);
    }
  }

  @Test
  void followsTheClusterThroughACrashOfTheWatchedLeaderWithEveryChangeOnce() throws Exception {
    try (LocalCluster c = cluster()) {
      PaxosNode leader = c.awaitLeader(Duration.ofSeconds(30));
      Endpoint leaderAddress = c.endpoints().get(c.nodes().indexOf(leader));
      List<Endpoint> leaderFirst = new ArrayList<>(List.of(leaderAddress));
      c.endpoints().stream().filter(x -> !x.equals(leaderAddress)).forEach(leaderFirst::add);
      for (int i = 1; i <= 10; i++) {
        assertThat(KvRun.run(leaderFirst, NO_INPUT, "put", "k" + i, "v" + i).exit()).isZero();
      }
      CompletableFuture<KvRun> watching =
          CompletableFuture.supplyAsync(
              () ->
                  KvRun.run(
                      leaderFirst,
                      NO_INPUT,
                      "watch",
                      "k*",
                      "--from-slot",
                      "1",
                      "--max-changes",
                      "20",
                      "--json"));
      // Crash the leader only once the watch streams from it, so the watch must move to another
      // node.
      await().atMost(Duration.ofSeconds(30)).until(() -> leader.openWatches() > 0);
      c.stop(leader.id());
      List<Endpoint> survivors = c.endpoints();
      c.awaitLeader(Duration.ofSeconds(30));
      for (int i = 11; i <= 20; i++) {
        KvRun put = KvRun.run(survivors, NO_INPUT, "put", "k" + i, "v" + i, "--timeout", "30s");
        assertThat(put.exit()).as("%s", put).isZero();
      }
      KvRun watch = watching.get(60, TimeUnit.SECONDS);
      assertThat(watch.exit()).as("%s", watch).isZero();
      List<Long> slots = new ArrayList<>();
      Set<String> keys = new HashSet<>();
      for (String line : watch.lines()) {
        JsonNode o = JSON.readTree(line);
        slots.add(o.get("slot").asLong());
        assertThat(keys.add(o.get("key").asText())).as("once: %s", line).isTrue();
        assertThat(o.get("value").asText()).isEqualTo("v" + o.get("key").asText().substring(1));
      }
      assertThat(keys).hasSize(20);
      assertThat(slots).isSorted().doesNotHaveDuplicates();
    }
  }
}
