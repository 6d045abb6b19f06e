package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The peers' harnesses (benchmarks/peers) are complete and self-contained, and compare.sh's table
 * reads what each of them prints. Builds no peer: it reads their files.
 */
class PeerHarnessesTest {
  private static final List<String> PEERS = List.of("jraft", "ratis", "aeron");
  // Surefire runs in the module's directory: benchmarks/.
  private static final Path BENCHMARKS = Path.of("").toAbsolutePath();
  private static final Path REPOSITORY = BENCHMARKS.getParent();
  private static final Pattern RELATIVE = Pattern.compile("(?:\\.\\./)+[A-Za-z0-9_.-]*");

  @Test
  void everyPeerHasItsOwnBuildRunScriptAndReadme() throws IOException {
    for (String peer : PEERS) {
      Path dir = BENCHMARKS.resolve("peers").resolve(peer);
      assertThat(dir.resolve("pom.xml")).as(peer).isRegularFile();
      assertThat(dir.resolve("README.md")).as(peer).isRegularFile();
      assertThat(dir.resolve("run.sh")).as(peer).isRegularFile().isExecutable();
      assertThat(dir.resolve("src/main/java")).as(peer).isDirectory();
      String pom = Files.readString(dir.resolve("pom.xml"));
      assertThat(pom)
          .as(peer + ": a build of its own, not a child of the project's pom")
          .doesNotContain("<parent>")
          .contains("<artifactId>paxos-peer-" + peer + "</artifactId>");
      assertThat(Files.readString(dir.resolve("run.sh")))
          .as(peer + ": built with the project's wrapper, run with the comparison's JVM flags")
          .contains("./mvnw -B -q -f benchmarks/peers/" + peer + "/pom.xml")
          .contains("-Xms2g -Xmx2g -XX:+UseG1GC");
    }
    assertThat(Files.readString(REPOSITORY.resolve("pom.xml")))
        .as("the default reactor never builds a peer")
        .doesNotContain("peers");
  }

  @Test
  void noFileUnderBenchmarksRefersOutsideTheRepository() throws IOException {
    // Spelled in pieces, so this file does not match itself.
    List<String> forbidden = List.of(".." + "/shared", "shared" + "/peers", "/wo" + "rk/");
    List<String> offenders = new ArrayList<>();
    for (Path file : textFiles(BENCHMARKS)) {
      String text = Files.readString(file, StandardCharsets.ISO_8859_1);
      for (String s : forbidden) {
        if (text.contains(s)) {
          offenders.add(BENCHMARKS.relativize(file) + " contains " + s);
        }
      }
      Matcher m = RELATIVE.matcher(text);
      while (m.find()) {
        Path target = file.getParent().resolve(m.group()).normalize();
        if (!target.startsWith(REPOSITORY)) {
          offenders.add(BENCHMARKS.relativize(file) + " refers to " + m.group());
        }
      }
    }
    assertThat(offenders).isEmpty();
  }

  @Test
  void theRelativePathCheckCatchesAPathThatLeavesTheRepository() {
    Path file = BENCHMARKS.resolve("peers/jraft/run.sh");
    Matcher inside = RELATIVE.matcher("root=\"$here/../../..\"");
    Matcher outside = RELATIVE.matcher("cp ../../../../elsewhere/x .");
    assertThat(inside.find()).isTrue();
    assertThat(file.getParent().resolve(inside.group()).normalize()).isEqualTo(REPOSITORY);
    assertThat(outside.find()).isTrue();
    assertThat(file.getParent().resolve(outside.group()).normalize().startsWith(REPOSITORY))
        .isFalse();
  }

  @Test
  void theTableParsesTheResultLineEachPeersReadmeShows() throws IOException {
    for (String peer : PEERS) {
      List<String> samples =
          Files.readAllLines(BENCHMARKS.resolve("peers").resolve(peer).resolve("README.md"))
              .stream()
              .filter(line -> line.startsWith("RESULT "))
              .toList();
      assertThat(samples).as(peer).isNotEmpty();
      for (String sample : samples) {
        ResultLine r = ResultLine.parse(sample);
        assertThat(r.system()).isEqualTo(peer);
        assertThat(r.isOurs()).isFalse();
        assertThat(r.fields())
            .containsKeys("workload", "transport", "clients", "payload", "sync", "seconds");
        assertThat(r.opsPerSecond()).isPositive();
        assertThat(r.p99Micros()).isGreaterThanOrEqualTo(r.p50Micros());
        assertThat(r.p999Micros()).isPresent();
        assertThat(r.p999Micros().getAsDouble()).isGreaterThanOrEqualTo(r.p99Micros());
      }
    }
  }

  @Test
  void theTableParsesOurResultLineWithAndWithoutP999() {
    ResultLine old =
        ResultLine.parse(
            "RESULT system=paxos workload=W1 transport=grpc clients=64 payload=100 sync=on"
                + " seconds=20 ops_per_sec=25084 p50_us=2100 p99_us=9900");
    assertThat(old.isOurs()).isTrue();
    assertThat(old.label()).isEqualTo("paxos grpc");
    assertThat(old.p999Micros()).isEmpty();
    ResultLine now =
        ResultLine.parse(
            old.fields().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .reduce("RESULT", (a, b) -> a + " " + b)
                + " p999_us=15000");
    assertThat(now.p999Micros()).hasValue(15000);
  }

  @Test
  void aLineThatIsNotAResultOrLacksAKeyIsRejected() {
    assertThatThrownBy(() -> ResultLine.parse("# completed 10")).hasMessageContaining("RESULT");
    assertThatThrownBy(() -> ResultLine.parse("RESULT system=jraft ops_per_sec=1 p50_us=1"))
        .hasMessageContaining("p99_us");
    assertThatThrownBy(
            () -> ResultLine.parse("RESULT system=jraft ops_per_sec=-1 p50_us=1 p99_us=2"))
        .hasMessageContaining("ops_per_sec");
    assertThatThrownBy(
            () -> ResultLine.parse("RESULT system=jraft ops_per_sec=NaN p50_us=1 p99_us=2"))
        .hasMessageContaining("ops_per_sec");
    assertThatThrownBy(() -> ResultLine.parse("RESULT system= ops_per_sec=1")).isNotNull();
  }

  @Test
  void eachPeerIsComparedWithTheMeanOfOurRunsBeforeAndAfterIt(@TempDir Path dir)
      throws IOException {
    write(dir, "01-paxos", ours(20_000, 2000, 8000, 12000), "cpu: 50.0 us of this JVM's CPU");
    write(
        dir,
        "02-jraft",
        "# SOFAJRaft\nRESULT system=jraft workload=W1 transport=bolt clients=64 payload=100"
            + " sync=on seconds=20 ops_per_sec=10000 p50_us=6000 p99_us=20000 p999_us=60000",
        "cpu: 80.0 us of this JVM's CPU per write, 0.80 cores busy");
    write(dir, "03-paxos", ours(30_000, 4000, 12000, 18000), "");
    write(dir, "04-ratis", "no result: it failed", "Exception");
    write(dir, "05-paxos", ours(40_000, 1000, 5000, 9000), "");

    List<ComparisonTable.Run> runs = ComparisonTable.read(dir);
    assertThat(runs)
        .extracting(ComparisonTable.Run::name)
        .containsExactly("01-paxos", "02-jraft", "03-paxos", "04-ratis", "05-paxos");
    assertThat(ComparisonTable.adjacentOurs(runs, 1))
        .extracting(ResultLine::opsPerSecond)
        .containsExactly(20_000.0, 30_000.0);
    assertThat(ComparisonTable.adjacentOurs(runs, 3))
        .extracting(ResultLine::opsPerSecond)
        .containsExactly(30_000.0, 40_000.0);

    String[] rows = ComparisonTable.render(runs).split("\n");
    assertThat(rows).hasSize(2 + 5);
    for (String row : rows) {
      assertThat(row.chars().filter(c -> c == '|').count()).as(row).isEqualTo(12);
    }
    // ours mean 25,000 ops/s, p50 3 ms, p99 10 ms, p99.9 15 ms
    assertThat(rows[3])
        .isEqualTo(
            "| 02-jraft | jraft bolt | 10,000 | 6.00 ms | 20.00 ms | 60.00 ms | 80.0 µs | 2.50x"
                + " | 2.00x | 2.00x | 4.00x |");
    assertThat(rows[2])
        .startsWith("| 01-paxos | paxos grpc | 20,000 | 2.00 ms")
        .contains("50.0 µs");
    assertThat(rows[5]).startsWith("| 04-ratis | failed: no RESULT line |");
  }

  private static String ours(int ops, int p50, int p99, int p999) {
    return "RESULT system=paxos workload=W1 transport=grpc clients=64 payload=100 sync=on"
        + " seconds=20 ops_per_sec="
        + ops
        + " p50_us="
        + p50
        + " p99_us="
        + p99
        + " p999_us="
        + p999;
  }

  private static void write(Path dir, String name, String out, String err) throws IOException {
    Files.writeString(dir.resolve(name + ".out"), out + "\n");
    Files.writeString(dir.resolve(name + ".err"), err + "\n");
  }

  /** The files under {@code root} outside build output, without NUL bytes. */
  private static List<Path> textFiles(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        Path relative = root.relativize(p);
        boolean built = false;
        for (Path part : relative) {
          built |= part.toString().equals("target");
        }
        if (!built && Files.size(p) < 1 << 20) {
          byte[] bytes = Files.readAllBytes(p);
          boolean binary = false;
          for (byte b : bytes) {
            binary |= b == 0;
          }
          if (!binary) {
            files.add(p);
          }
        }
      }
    }
    return files;
  }
}
