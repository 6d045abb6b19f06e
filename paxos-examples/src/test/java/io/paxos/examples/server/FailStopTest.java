package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.client.PaxosClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server whose data directory is deleted under it stops at its next write: its HTTP {@code
 * /health} says 503 with the reason, and its process exits with status 1 and one line saying why,
 * with no stack trace.
 */
class FailStopTest {

  static void deleteTree(Path d) throws IOException {
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  @Test
  void untilItExitsAStoppedNodesHealthIs503WithTheReason(@TempDir Path dir) throws Exception {
    ServerProcesses file =
        new ServerProcesses(dir, "health", Map.of(1, "[proposer, acceptor, learner]"), "");
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.CONFIG, file.config.toString());
    flags.put(Setting.ID, "1");
    flags.put(Setting.BOOTSTRAP_NEW, "true");
    try (KvServer server = KvServer.start(ConfigResolver.resolve(flags, Map.of(), w -> {}));
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(file.endpoints())
                .timeout(Duration.ofSeconds(3))
                .build()) {
      ClusterWrites.put(client, 0, 3);
      assertThat(health(file).statusCode()).isEqualTo(200);

      deleteTree(dir.resolve("data-1"));
      client.submit(KvCommand.put("after", "gone").encode()).handle((r, e) -> null);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> server.node().node().status().failure().isPresent());

      HttpResponse<String> health = health(file);
      assertThat(health.statusCode()).isEqualTo(503);
      assertThat(health.body())
          .contains("\"status\":\"unavailable\"")
          .contains("node 1 stopped after a failure")
          .contains("was deleted while the node was running");
    }
  }

  private static HttpResponse<String> health(ServerProcesses file) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + file.httpPorts.get(1) + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            BodyHandlers.ofString());
  }

  @Test
  void theExitLineDropsTheExceptionClass() {
    assertThat(
            ServerCommand.withoutExceptionClass(
                "io.paxos.core.storage.StorageException: data directory d was deleted: x"))
        .isEqualTo("data directory d was deleted: x");
    assertThat(ServerCommand.withoutExceptionClass("java.lang.IllegalStateException: a: b"))
        .isEqualTo("a: b");
    assertThat(ServerCommand.withoutExceptionClass("java.io.Outer$InnerException: c"))
        .isEqualTo("c");
    assertThat(ServerCommand.withoutExceptionClass("disk full: Error: d"))
        .isEqualTo("disk full: Error: d");
  }

  @Test
  void aDeletedDataDirectoryEndsTheProcessWithOneLineAndStatus1(@TempDir Path dir)
      throws Exception {
    try (ServerProcesses nodes =
            new ServerProcesses(
                dir,
                "failstop",
                Map.of(1, "[proposer, acceptor, learner]"),
                "protocol: {heartbeat-interval: 20ms, election-timeout: 200ms..400ms}\n");
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(3))
                .build()) {
      Process p = nodes.launch(1, "--bootstrap-new");
      nodes.awaitReady(1);
      ClusterWrites.put(client, 0, 5);

      deleteTree(dir.resolve("data-1"));
      // The next write's sync finds the directory gone; its outcome is not acknowledged.
      client.submit(KvCommand.put("after", "gone").encode()).handle((r, e) -> null);

      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exits").isTrue();
      String log = nodes.log(1);
      assertThat(p.exitValue()).as(log).isEqualTo(1);
      List<String> exitLine = log.lines().filter(l -> l.startsWith("error")).toList();
      assertThat(exitLine).as(log).hasSize(1);
      assertThat(exitLine.get(0))
          .as(log)
          .startsWith("error: node 1 stopped: data directory ")
          .contains("was deleted while the node was running");
      // The node's own log line at the failure is one line too: no stack trace anywhere.
      List<String> logged = log.lines().filter(l -> l.contains("[ERROR]")).toList();
      assertThat(logged).as(log).hasSize(1);
      assertThat(logged.get(0)).contains("node 1 stops: data directory ");
      assertThat(log).doesNotContain("\tat ").doesNotContain("Exception in thread");
    }
  }
}
