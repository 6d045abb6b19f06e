package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class LoadGeneratorTest {
  private static final Pattern RESULT =
      Pattern.compile(
          "RESULT system=paxos workload=W1 transport=(inmemory|grpc) clients=(\\d+) payload=(\\d+)"
              + " sync=(on|off) seconds=(\\d+) ops_per_sec=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cmd = new CommandLine(new LoadGenerator());
    cmd.setOut(new PrintWriter(out));
    cmd.setErr(new PrintWriter(err));
    int exit = cmd.execute(args);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  @Test
  void aOneSecondRunPrintsOneParsableResultLine() {
    String[] r = run("--seconds", "1", "--warmup", "0", "--clients", "8", "--no-sync");
    assertThat(r[0]).isEqualTo("0");
    String[] lines = r[1].strip().split("\n");
    assertThat(lines).hasSize(1);
    Matcher m = RESULT.matcher(lines[0]);
    assertThat(m.matches()).as(lines[0]).isTrue();
    assertThat(m.group(1)).isEqualTo("inmemory");
    assertThat(m.group(2)).isEqualTo("8");
    assertThat(m.group(4)).isEqualTo("off");
    assertThat(Long.parseLong(m.group(6))).as("ops/s").isPositive();
    assertThat(Long.parseLong(m.group(8))).isGreaterThanOrEqualTo(Long.parseLong(m.group(7)));
  }

  @Test
  void nonsenseFlagsAreRefusedWithAClearMessage() {
    String[] r = run("--clients", "0", "--no-sync");
    assertThat(r[0]).isNotEqualTo("0");
    assertThat(r[2]).contains("--clients must be 1-100000");
    r = run("--transport", "carrier-pigeon", "--no-sync");
    assertThat(r[2]).contains("--transport must be inmemory or grpc");
    r = run("--bogus");
    assertThat(r[2]).contains("Unknown option");
  }
}
