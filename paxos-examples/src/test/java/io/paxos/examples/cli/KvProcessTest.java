package io.paxos.examples.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.examples.Main;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kv} as a user runs it: a separate JVM on this test's classpath (the jar's contents), with
 * the real standard streams, logging and {@code System.exit}.
 */
class KvProcessTest {
  /** What a finished process printed and returned. */
  record Finished(int exit, String out, String err) {}

  @Test
  void aSeparateProcessWritesReadsAndReportsAnUnreachableClusterInOneLine(@TempDir Path dir)
      throws Exception {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("kvproc", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      String endpoints =
          cluster.endpoints().stream().map(Endpoint::toString).collect(Collectors.joining(","));

      Finished put =
          kv(dir, "put", "planet", "earth", "--endpoints", endpoints, "--timeout", "30s");
      assertThat(put.exit()).as("%s", put).isZero();
      assertThat(put.out().lines()).containsExactly("OK");
      assertThat(put.err()).isEmpty();

      Finished get = kv(dir, "get", "planet", "--endpoints", endpoints, "--timeout", "30s");
      assertThat(get.exit()).as("%s", get).isZero();
      assertThat(get.out().lines()).containsExactly("planet = earth");

      Endpoint nowhere = KvRun.nowhere();
      Finished unreachable =
          kv(dir, "get", "planet", "--endpoints", nowhere.toString(), "--timeout", "1s");
      assertThat(unreachable.exit()).as("%s", unreachable).isEqualTo(Exits.UNREACHABLE);
      assertThat(unreachable.out()).isEmpty();
      assertThat(unreachable.err().lines()).hasSize(1);
      assertThat(unreachable.err()).startsWith("kv get: cannot reach the cluster: ");
    }
  }

  private static Finished kv(Path dir, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.add("kv");
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    try {
      p.getOutputStream().close(); // no input
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        throw new AssertionError("kv " + String.join(" ", args) + " did not finish");
      }
      return new Finished(
          p.exitValue(),
          Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }
}
