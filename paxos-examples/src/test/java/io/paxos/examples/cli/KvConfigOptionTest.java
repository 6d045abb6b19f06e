package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kv --config CLUSTER_FILE}: the endpoints come from the cluster file the servers run with;
 * refused together with {@code --endpoints}; {@code PAXOS_CONFIG} is the default when neither flag
 * is given and {@code PAXOS_ENDPOINTS} is unset.
 */
class KvConfigOptionTest {
  private static final byte[] NO_INPUT = new byte[0];

  @TempDir static Path dir;
  private static LocalCluster cluster;
  private static Path file;
  private static String nowhere;

  @BeforeAll
  static void startCluster() throws IOException {
    cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("kvconfig", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    StringBuilder yaml = new StringBuilder("cluster: kvconfig\nmembers:\n");
    List<Endpoint> endpoints = cluster.endpoints();
    for (int i = 0; i < endpoints.size(); i++) {
      yaml.append("  - {id: ").append(i + 1).append(", address: ").append(endpoints.get(i));
      yaml.append("}\n");
    }
    file = Files.writeString(dir.resolve("kvconfig.yaml"), yaml);
    nowhere = KvRun.nowhere().toString();
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static KvRun kv(Map<String, String> env, String... args) {
    return KvRun.runWithEnv(env, NO_INPUT, args);
  }

  private static void refusedInOneLine(KvRun r, String message) {
    assertThat(r.exit()).as("%s", r).isEqualTo(Exits.USAGE);
    assertThat(r.errLines()).hasSize(1);
    assertThat(r.err()).contains(message).doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void theEndpointsComeFromTheClusterFile() {
    KvRun put = kv(Map.of(), "put", "from-file", "yes", "--config", file.toString());
    assertThat(put.exit()).as("%s", put).isZero();
    KvRun get = kv(Map.of(), "get", "from-file", "--config", file.toString());
    assertThat(get.lines()).containsExactly("from-file = yes");
  }

  @Test
  void configAndEndpointsTogetherAreRefused() {
    refusedInOneLine(
        kv(Map.of(), "get", "k", "--config", file.toString(), "--endpoints", nowhere),
        "kv get: give --endpoints or --config, not both");
  }

  @Test
  void aMissingOrBadClusterFileIsRefusedInOneLine() throws IOException {
    refusedInOneLine(
        kv(Map.of(), "get", "k", "--config", dir.resolve("missing.yaml").toString()),
        "kv get: --config: cannot read the cluster file");
    Path bad = Files.writeString(dir.resolve("bad.yaml"), "cluster: x\nmembers: []\n");
    refusedInOneLine(kv(Map.of(), "get", "k", "--config", bad.toString()), "kv get: --config: ");
    refusedInOneLine(
        kv(Map.of("PAXOS_CONFIG", dir.resolve("missing.yaml").toString()), "get", "k"),
        "kv get: PAXOS_CONFIG: cannot read the cluster file");
  }

  @Test
  void paxosConfigIsTheDefaultWhenNothingElseSays() {
    KvRun put = kv(Map.of("PAXOS_CONFIG", file.toString()), "put", "from-env", "yes");
    assertThat(put.exit()).as("%s", put).isZero();
    assertThat(kv(Map.of("PAXOS_CONFIG", file.toString()), "get", "from-env").lines())
        .containsExactly("from-env = yes");
  }

  @Test
  void flagsBeatVariablesAndPaxosEndpointsBeatsPaxosConfig() {
    Map<String, String> both = Map.of("PAXOS_CONFIG", file.toString(), "PAXOS_ENDPOINTS", nowhere);
    KvRun viaEndpoints = kv(both, "get", "k", "--timeout", "1s");
    assertThat(viaEndpoints.exit()).as("%s", viaEndpoints).isEqualTo(Exits.UNREACHABLE);
    assertThat(viaEndpoints.err()).contains(nowhere);

    KvRun viaFlag = kv(both, "get", "k", "--config", file.toString());
    assertThat(viaFlag.exit()).as("%s", viaFlag).isZero();

    KvRun viaEndpointsFlag =
        kv(
            Map.of("PAXOS_CONFIG", file.toString()),
            "get",
            "k",
            "--endpoints",
            nowhere,
            "--timeout",
            "1s");
    assertThat(viaEndpointsFlag.exit()).as("%s", viaEndpointsFlag).isEqualTo(Exits.UNREACHABLE);
  }
}
