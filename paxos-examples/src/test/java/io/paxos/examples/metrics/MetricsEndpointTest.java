package io.paxos.examples.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.FileStorage;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.LocalCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-node cluster over gRPC on loopback, each node with a {@link MicrometerObserver} and {@code
 * GET /metrics} on its own Javalin server: after some writes, the scrapes parse, the counters
 * moved, exactly one node reports itself leader, the latency histograms have buckets, and every
 * metric the shipped Grafana dashboard queries is in a real scrape.
 */
class MetricsEndpointTest {
  private static final int WRITES = 300;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static final Map<Integer, Javalin> apps = new TreeMap<>();
  private static PaxosNode leader;

  @BeforeAll
  static void startClusterAndWrite() throws Exception {
    AtomicReference<LocalCluster> started = new AtomicReference<>();
    Map<Integer, PrometheusMeterRegistry> registries = new TreeMap<>();
    cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("metrics", 1, 2, 3))
            // The assertions read the one leader's metrics: a leadership that moved under a
            // loaded CI machine (a 300 ms election timeout against a starved JVM) would leave the
            // writes with another node, or with an unknown outcome. Slow elections keep one
            // leader through the test; the metrics are the same.
            .options(ProtocolOptions.defaults().withTimings(100, 3_000, 6_000, 200))
            .commandTimeout(Duration.ofSeconds(60))
            .stateMachines(id -> new KeyValueStore())
            .storage(id -> storage(id))
            .observers(
                id -> {
                  PrometheusMeterRegistry registry = MetricsRoutes.newRegistry();
                  registries.put(id, registry);
                  return List.of(
                      new MicrometerObserver(registry, id)
                          .clientSessions(
                              () -> {
                                LocalCluster c = started.get();
                                return c == null ? 0 : c.server(id).openClientSessions();
                              }));
                })
            .start();
    started.set(cluster);
    for (Map.Entry<Integer, PrometheusMeterRegistry> e : registries.entrySet()) {
      Javalin app = Javalin.create();
      new MetricsRoutes(e.getValue()).register(app);
      app.start("127.0.0.1", 0);
      apps.put(e.getKey(), app);
    }
    leader = cluster.awaitLeader(Duration.ofSeconds(30));
    List<CompletableFuture<byte[]>> writes = new ArrayList<>();
    for (int i = 0; i < WRITES; i++) {
      byte[] value = ("value-" + i).getBytes(StandardCharsets.UTF_8);
      writes.add(leader.submit(new KvCommand.Put("key-" + (i % 50), value).encode()));
    }
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
  }

  private static FileStorage storage(int id) {
    try {
      Path nodeDir = Files.createDirectories(dir.resolve("node-" + id));
      return FileStorage.open(nodeDir, "metrics", id);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @AfterAll
  static void stop() {
    apps.values().forEach(Javalin::stop);
    if (cluster != null) {
      cluster.close();
    }
  }

  private static HttpResponse<String> get(int node) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + apps.get(node).port() + "/metrics");
    return HTTP.send(
        HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private static PrometheusText scrape(int node) {
    try {
      HttpResponse<String> response = get(node);
      assertThat(response.statusCode()).isEqualTo(200);
      return PrometheusText.parse(response.body());
    } catch (Exception e) {
      throw new AssertionError("scraping node " + node + " failed", e);
    }
  }

  private static double value(PrometheusText text, String name, int node) {
    return text.value(name, Map.of("node", Integer.toString(node)))
        .orElseThrow(() -> new AssertionError("no " + name + " for node " + node));
  }

  @Test
  void scrapesShowCommitsOneLeaderAndLatencyHistograms() throws Exception {
    assertThat(get(1).headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    for (int id : new int[] {1, 2, 3}) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> value(scrape(id), "paxos_commits_total", id) >= WRITES);
    }
    Map<Integer, PrometheusText> scrapes = new TreeMap<>();
    for (int id : new int[] {1, 2, 3}) {
      scrapes.put(id, scrape(id));
    }
    int leaders = 0;
    for (Map.Entry<Integer, PrometheusText> e : scrapes.entrySet()) {
      int id = e.getKey();
      PrometheusText text = e.getValue();
      double isLeader = value(text, "paxos_is_leader", id);
      assertThat(isLeader).isIn(0.0, 1.0);
      if (isLeader == 1.0) {
        leaders++;
        assertThat(id).isEqualTo(leader.id());
      }
      assertThat(value(text, "paxos_leader_id", id)).isEqualTo(leader.id());
      assertThat(value(text, "paxos_ballot", id)).isPositive();
      assertThat(value(text, "paxos_applied_slot", id)).isPositive();
      assertThat(value(text, "paxos_commit_slot", id))
          .isGreaterThanOrEqualTo(value(text, "paxos_applied_slot", id));
      assertThat(value(text, "paxos_log_bytes", id)).isPositive();
      assertThat(value(text, "paxos_fsync_latency_seconds_count", id)).isPositive();
      assertThat(text.named("paxos_fsync_latency_seconds_bucket")).isNotEmpty();
      assertThat(text.named("paxos_batch_size_commands_bucket"))
          .allSatisfy(s -> assertThat(s.labels()).containsKey("le"));
      assertThat(value(text, "paxos_client_sessions", id)).isZero();
    }
    assertThat(leaders).isEqualTo(1);

    PrometheusText atLeader = scrapes.get(leader.id());
    assertThat(value(atLeader, "paxos_proposals_total", leader.id())).isEqualTo(WRITES);
    assertThat(value(atLeader, "paxos_commit_latency_seconds_count", leader.id())).isPositive();
    List<PrometheusText.Sample> buckets = atLeader.named("paxos_commit_latency_seconds_bucket");
    assertThat(buckets).hasSizeGreaterThan(10);
    assertThat(buckets).allSatisfy(s -> assertThat(s.labels()).containsKey("le"));
    assertThat(buckets)
        .filteredOn(s -> s.labels().get("le").equals("+Inf"))
        .singleElement()
        .satisfies(
            s ->
                assertThat(s.value())
                    .isEqualTo(value(atLeader, "paxos_commit_latency_seconds_count", leader.id())));

    // Every node reaches both peers.
    for (int id : new int[] {1, 2, 3}) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                PrometheusText text = scrape(id);
                return text.named("paxos_peer_up").stream().filter(s -> s.value() == 1.0).count()
                    == 2;
              });
    }
  }

  @Test
  void everyMetricTheDashboardQueriesIsInARealScrape() throws Exception {
    JsonNode dashboard =
        new ObjectMapper().readTree(Path.of("config", "grafana-dashboard.json").toFile());
    assertThat(dashboard.path("panels").size()).isGreaterThan(10);
    TreeSet<String> queried = new TreeSet<>();
    Pattern metric = Pattern.compile("\\bpaxos_[a-z0-9_]+");
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.path("targets").size()).as(panel.path("title").asText()).isPositive();
      for (JsonNode target : panel.path("targets")) {
        Matcher m = metric.matcher(target.path("expr").asText());
        while (m.find()) {
          queried.add(m.group());
        }
      }
    }
    assertThat(queried)
        .contains(
            "paxos_commits_total",
            "paxos_commit_latency_seconds_bucket",
            "paxos_fsync_latency_seconds_bucket",
            "paxos_is_leader",
            "paxos_applied_slot",
            "paxos_peer_up",
            "paxos_peer_dropped_messages_total");
    PrometheusText text = scrape(leader.id());
    for (String name : queried) {
      assertThat(text.has(name)).as("the dashboard queries %s; a scrape has it", name).isTrue();
    }
  }

  @Test
  void thePrometheusConfigurationScrapesTheThreeLocalNodes() throws Exception {
    String config = Files.readString(Path.of("config", "prometheus.yml"));
    assertThat(config)
        .contains("metrics_path: /metrics", "127.0.0.1:8081", "127.0.0.1:8082", "127.0.0.1:8083");
  }
}
