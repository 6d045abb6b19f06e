package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.observe.WriteStep;
import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.client.PaxosClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-value server's {@code stage-sample} setting: set in the cluster file, the node times its
 * writes stage by stage and {@code /metrics} has {@code paxos_write_step_seconds} with a non-zero
 * count after writes; unset (the default, 0), no such series exists; a negative value is refused.
 */
class WriteStepMetricsTest {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final Pattern COUNT =
      Pattern.compile(
          "^paxos_write_step_seconds_count\\{([^}]*)\\} ([0-9.eE+]+)$", Pattern.MULTILINE);

  private static Map<Setting, String> flags(ServerProcesses file) {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.CONFIG, file.config.toString());
    flags.put(Setting.ID, "1");
    flags.put(Setting.BOOTSTRAP_NEW, "true");
    return flags;
  }

  /** Start the one-node server, make {@code writes} writes, and return its /metrics text. */
  private static String metricsAfterWrites(ServerConfig config, ServerProcesses file, int writes)
      throws Exception {
    try (KvServer server = KvServer.start(config);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(file.endpoints())
                .timeout(Duration.ofSeconds(10))
                .build()) {
      for (int i = 0; i < writes; i++) {
        client.submit(KvCommand.put("k" + i, "v").encode()).get(30, TimeUnit.SECONDS);
      }
      URI uri = URI.create("http://127.0.0.1:" + file.httpPorts.get(1) + "/metrics");
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(200);
      return r.body();
    }
  }

  @Test
  void aSamplingServerExportsEachLeaderStepWithANonZeroCount(@TempDir Path dir) throws Exception {
    ServerProcesses file =
        new ServerProcesses(
            dir, "steps", Map.of(1, "[proposer, acceptor, learner]"), "stage-sample: 1\n");
    ServerConfig config = ConfigResolver.resolve(flags(file), Map.of(), w -> {});
    assertThat(config.stageSample()).isEqualTo(1);
    assertThat(config.describe()).containsPattern("stage-sample +1 +file stage-sample");

    String text = metricsAfterWrites(config, file, 20);

    Map<String, Double> counts = new java.util.TreeMap<>();
    Matcher m = COUNT.matcher(text);
    while (m.find()) {
      Matcher step = Pattern.compile("step=\"([a-z_]+)\"").matcher(m.group(1));
      assertThat(step.find()).as(m.group()).isTrue();
      assertThat(m.group(1)).contains("node=\"1\"").containsPattern("at=\"(leader|follower)\"");
      counts.put(step.group(1), Double.parseDouble(m.group(2)));
    }
    // One node: it leads every slot, so every leader step is there but those of its followers
    // (an Accept sent to one, a vote from one), and no follower step.
    Set<WriteStep> noPeers = Set.of(WriteStep.ACCEPT_SEND, WriteStep.FOLLOWER_ROUND_TRIP);
    for (WriteStep s : WriteStep.values()) {
      if (s.node().equals("leader") && !noPeers.contains(s)) {
        assertThat(counts.get(s.tag())).as(s.tag() + " in\n" + counts).isNotNull().isPositive();
      } else {
        assertThat(counts).doesNotContainKey(s.tag());
      }
    }
    assertThat(text).contains("paxos_write_step_seconds_bucket{");
  }

  @Test
  void offByDefaultExportsNoStepAndANegativeSampleIsRefused(@TempDir Path dir) throws Exception {
    ServerProcesses file =
        new ServerProcesses(dir, "steps", Map.of(1, "[proposer, acceptor, learner]"), "");
    ServerConfig config = ConfigResolver.resolve(flags(file), Map.of(), w -> {});
    assertThat(config.stageSample()).isZero();
    assertThat(config.describe()).containsPattern("stage-sample +0 +default");

    assertThat(metricsAfterWrites(config, file, 5)).doesNotContain("paxos_write_step");

    assertThatThrownBy(
            () -> ConfigResolver.resolve(flags(file), Map.of("PAXOS_STAGE_SAMPLE", "-1"), w -> {}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("PAXOS_STAGE_SAMPLE")
        .hasMessageContaining("give 0 (off)");
    Map<Setting, String> huge = flags(file);
    huge.put(Setting.STAGE_SAMPLE, "2147483648");
    assertThatThrownBy(() -> ConfigResolver.resolve(huge, Map.of(), w -> {}))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--stage-sample");
    huge.put(Setting.STAGE_SAMPLE, "2147483647");
    assertThat(ConfigResolver.resolve(huge, Map.of(), w -> {}).stageSample())
        .isEqualTo(Integer.MAX_VALUE);
  }
}
