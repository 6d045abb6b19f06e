package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paxos.grpc.client.PaxosClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code paxos-examples server} as real processes, serving gRPC and HTTP. */
class ServerProcessTest {

  private static HttpRequest get(ServerProcesses nodes, int id, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + nodes.httpPorts.get(id) + path))
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  @Test
  void aBadConfigurationStopsTheProcessWithOneLineAndStatus2(@TempDir Path dir) throws Exception {
    Map<Integer, String> roles = new LinkedHashMap<>();
    roles.put(1, "[proposer, acceptor, learner]");
    roles.put(2, "[proposer, acceptor, learner]");
    roles.put(3, "[proposer, acceptor, learner]");
    try (ServerProcesses nodes =
        new ServerProcesses(dir, "bad", roles, "quorums: {phase1: 1, phase2: 1}\n")) {
      Process p = nodes.launch(1);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isEqualTo(2);
      assertThat(nodes.log(1))
          .isEqualTo(
              "error: "
                  + nodes.config
                  + ": quorums: phase1 1 + phase2 1 must exceed the 3 acceptors, or two leaders"
                  + " could choose different values; raise one of them\n");
      assertThat(dir.resolve("data-1")).doesNotExist();
    }
  }

  @Test
  void threeNodesWithAllRolesSurviveTheLeadersCrashAndStopCleanly(@TempDir Path dir)
      throws Exception {
    Map<Integer, String> roles = new LinkedHashMap<>();
    for (int id = 1; id <= 3; id++) {
      roles.put(id, "[proposer, acceptor, learner]");
    }
    try (ServerProcesses nodes = new ServerProcesses(dir, "three", roles, "");
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(60))
                .seed(3)
                .build()) {
      nodes.start(1, 2, 3);
      assertThat(nodes.log(1))
          .contains(
              "READY node 1 listening on "
                  + nodes.addresses.get(1).port()
                  + " http "
                  + nodes.httpPorts.get(1)
                  + " (cluster three, roles proposer,acceptor,learner, data "
                  + dir.resolve("data-1")
                  + ")");
      int written = ClusterWrites.put(client, 0, 300);
      // Every node serves the HTTP API on its member's HTTP port.
      HttpClient http = HttpClient.newHttpClient();
      for (int id = 1; id <= 3; id++) {
        assertThat(nodes.log(id)).contains(" http " + nodes.httpPorts.get(id) + " (cluster three");
        HttpResponse<String> health = http.send(get(nodes, id, "/health"), BodyHandlers.ofString());
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        HttpResponse<String> value = http.send(get(nodes, id, "/kv/k-7"), BodyHandlers.ofString());
        assertThat(value.statusCode()).as(value.body()).isEqualTo(200);
        assertThat(value.body()).contains("v-7");
        HttpResponse<String> metrics =
            http.send(get(nodes, id, "/metrics"), BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
            .contains("paxos_client_sessions")
            .contains("jvm_memory_used_bytes");
      }
      int leader = ClusterWrites.leader(nodes, 1, 2, 3);
      nodes.kill(leader);
      written = ClusterWrites.put(client, written, 300);
      // A survivor's /status tells which peer it cannot reach, and its log's size on disk.
      int survivor = leader == 1 ? 2 : 1;
      ObjectMapper json = new ObjectMapper();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                JsonNode status =
                    json.readTree(
                        http.send(get(nodes, survivor, "/status"), BodyHandlers.ofString()).body());
                assertThat(status.get("log_bytes").asLong()).isPositive();
                for (JsonNode member : status.get("members")) {
                  int id = member.get("id").asInt();
                  if (id == survivor) {
                    assertThat(member.has("reachable")).isFalse();
                  } else {
                    assertThat(member.get("reachable").asBoolean())
                        .as("peer " + id)
                        .isEqualTo(id != leader);
                  }
                }
              });
      nodes.start(leader);
      written = ClusterWrites.put(client, written, 100);
      ClusterWrites.awaitConverged(nodes, 1, 2, 3);

      String first = nodes.stop(1);
      assertThat(first).contains(", " + written + " keys, state hash ");
      assertThat(nodes.stop(2)).isEqualTo(first);
      assertThat(nodes.stop(3)).isEqualTo(first);
      assertThat(Files.list(dir.resolve("data-" + leader)).count()).isPositive();
      assertThat(Files.readString(dir.resolve("three.yaml"), StandardCharsets.UTF_8))
          .contains("data-dir: " + dir.resolve("data-${id}"));
    }
  }
}
