package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.observe.WriteStep;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadGeneratorTest {
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT system=paxos workload=W1 transport=(inmemory|grpc) clients=(\\d+) payload=(\\d+)"
              + " sync=(on|off) seconds=(\\d+) ops_per_sec=(\\d+) p50_us=(\\d+) p99_us=(\\d+)"
              + " p999_us=(\\d+)");

  private record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new LoadGenerator());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int exit = cmd.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** The one line of a successful run, parsed, with its ops/s positive and p99 >= p50. */
  private static Matcher result(Run r) {
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(lines).hasSize(1);
    Matcher m = RESULT.matcher(lines[0]);
    assertThat(m.matches()).as(lines[0]).isTrue();
    assertThat(Long.parseLong(m.group(6))).as("ops/s").isPositive();
    assertThat(Long.parseLong(m.group(8))).isGreaterThanOrEqualTo(Long.parseLong(m.group(7)));
    assertThat(Long.parseLong(m.group(9))).isGreaterThanOrEqualTo(Long.parseLong(m.group(8)));
    return m;
  }

  @Test
  void aOneSecondRunPrintsOneParsableResultLine() {
    Matcher m = result(run("--seconds", "1", "--warmup", "0", "--clients", "8", "--no-sync"));
    assertThat(m.group(1)).isEqualTo("inmemory");
    assertThat(m.group(2)).isEqualTo("8");
    assertThat(m.group(3)).isEqualTo("100");
    assertThat(m.group(4)).isEqualTo("off");
    assertThat(m.group(5)).isEqualTo("1");
  }

  @Test
  void syncIsOnByDefaultAndWritesGoThroughTheClientOverGrpc() {
    Matcher m =
        result(
            run(
                "--transport",
                "grpc",
                "--seconds",
                "1",
                "--warmup",
                "0",
                "--clients",
                "16",
                "--payload",
                "10"));
    assertThat(m.group(1)).isEqualTo("grpc");
    assertThat(m.group(2)).isEqualTo("16");
    assertThat(m.group(3)).isEqualTo("10");
    assertThat(m.group(4)).isEqualTo("on");
  }

  @Test
  void drivesARunningClusterGivenItsEndpoints() {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("running", 1, 2, 3))
            .stateMachines(id -> new KeyValueStore())
            .start()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      String endpoints =
          cluster.endpoints().stream().map(Endpoint::toString).collect(Collectors.joining(","));
      Matcher m =
          result(
              run(
                  "--transport",
                  "grpc",
                  "--endpoints",
                  endpoints,
                  "--no-sync",
                  "--seconds",
                  "1",
                  "--warmup",
                  "0",
                  "--clients",
                  "4"));
      assertThat(m.group(1)).isEqualTo("grpc");
      assertThat(m.group(4)).isEqualTo("off");
    }
  }

  @Test
  void stagesPrintARowForEveryStepOfTheWritePathAfterTheResultLine() {
    Run r =
        run(
            "--seconds",
            "1",
            "--warmup",
            "1",
            "--clients",
            "8",
            "--no-sync",
            "--stages",
            "--stage-sample",
            "1");
    assertThat(r.exit()).as(r.err()).isZero();
    String[] lines = r.out().strip().split("\n");
    assertThat(RESULT.matcher(lines[0]).matches()).as(lines[0]).isTrue();
    assertThat(lines[1]).startsWith("STAGES sample=1/1");
    assertThat(lines[2]).containsPattern("step +node +count +p50_us +p99_us");
    List<String> rows = Arrays.asList(lines).subList(3, lines.length);
    List<String> expected = new ArrayList<>();
    expected.add("client send -> client receive");
    for (WriteStep s : WriteStep.values()) {
      expected.add(s.label());
    }
    assertThat(rows).hasSize(expected.size());
    Pattern row = Pattern.compile("(.+?) +(client|leader|follower) +(\\d+) +([\\d.]+) +([\\d.]+)");
    for (int i = 0; i < rows.size(); i++) {
      Matcher m = row.matcher(rows.get(i));
      assertThat(m.matches()).as(rows.get(i)).isTrue();
      assertThat(m.group(1)).isEqualTo(expected.get(i));
      assertThat(Long.parseLong(m.group(3))).as(rows.get(i)).isPositive();
    }
  }

  @Test
  void nonsenseFlagsAreRefusedWithAClearMessage() {
    assertRefused("--clients must be 1-100000, was 0", "--clients", "0");
    assertRefused("--clients must be 1-100000, was -5", "--clients", "-5");
    assertRefused("--payload must be 0-1048576", "--payload", "-1");
    assertRefused("--seconds must be 1-3600", "--seconds", "0");
    assertRefused("--nodes must be 3 or 5, was 4", "--nodes", "4");
    assertRefused("--transport must be inmemory or grpc", "--transport", "carrier-pigeon");
    assertRefused(
        "--endpoints drives a running cluster over gRPC: add --transport grpc",
        "--endpoints",
        "127.0.0.1:9001");
    assertRefused(
        "leave --nodes out",
        "--transport",
        "grpc",
        "--endpoints",
        "127.0.0.1:9001",
        "--nodes",
        "5");
    assertRefused("--endpoints: ", "--transport", "grpc", "--endpoints", "localhost");
    assertRefused("Unknown option", "--bogus");
    assertRefused("--stage-sample must be 1-1000000, was 0", "--stages", "--stage-sample", "0");
    assertRefused(
        "--stage-sample must be 1-1000000, was 1000001", "--stages", "--stage-sample", "1000001");
    assertRefused("add --stages", "--stage-sample", "4");
    assertRefused("/metrics", "--transport", "grpc", "--endpoints", "127.0.0.1:9001", "--stages");
    assertRefused("Invalid value", "--clients", "many");
  }

  private static void assertRefused(String message, String... args) {
    Run r = run(args);
    assertThat(r.exit()).as(String.join(" ", args)).isNotZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains(message);
  }
}
