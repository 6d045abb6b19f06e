package io.paxos.examples.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.examples.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The checker of a broadcast run, on good and bad files: each bad one is caught and named. */
class BroadcastCheckTest {
  private static final Map<String, List<String>> PROPOSED =
      Map.of("prop1", List.of("0", "2", "4"), "prop2", List.of("1", "3", "5"));
  private static final List<String> SEQUENCE = List.of("0", "1", "3", "2", "4", "5");

  private static BroadcastCheck.Verdict check(List<String> learn1, List<String> learn2) {
    Map<String, List<String>> learned = new TreeMap<>();
    learned.put("learn1", learn1);
    learned.put("learn2", learn2);
    return BroadcastCheck.check(PROPOSED, learned);
  }

  private static String failure(List<String> learn1, List<String> learn2) {
    BroadcastCheck.Verdict v = check(learn1, learn2);
    assertThat(v.ok()).as(v.message()).isFalse();
    return v.message();
  }

  @Test
  void passesTheSameSequenceOfEveryProposedValueOnce() {
    BroadcastCheck.Verdict v = check(SEQUENCE, SEQUENCE);
    assertThat(v.ok()).isTrue();
    assertThat(v.message())
        .isEqualTo(
            "OK: 2 learners learned the same 6 values, each of the 6 proposed by 2 proposers"
                + " exactly once");
  }

  @Test
  void aMissingValue() {
    List<String> missing = List.of("0", "1", "3", "2", "5");
    assertThat(failure(missing, missing)).isEqualTo("4 (prop1 line 3) was never learned (learn1)");
  }

  @Test
  void aDuplicate() {
    List<String> twice = List.of("0", "1", "3", "2", "4", "1", "5");
    assertThat(failure(twice, twice))
        .isEqualTo("learn1 lines 2 and 6 both hold 1: it was learned twice");
  }

  @Test
  void aReordering() {
    List<String> swapped = List.of("0", "1", "2", "3", "4", "5");
    assertThat(failure(SEQUENCE, swapped)).isEqualTo("learn2 line 3 is 2 but learn1 line 3 is 3");
  }

  @Test
  void aLearnerFileShorterOrLongerThanTheOthers() {
    assertThat(failure(SEQUENCE, SEQUENCE.subList(0, 4)))
        .isEqualTo("learn2 ends after 4 lines; learn1 goes on with 4 at line 5 (6 lines)");
    assertThat(failure(SEQUENCE.subList(0, 5), SEQUENCE))
        .isEqualTo("learn1 ends after 5 lines; learn2 goes on with 5 at line 6 (6 lines)");
    assertThat(failure(SEQUENCE, List.of()))
        .isEqualTo("learn2 ends after 0 lines; learn1 goes on with 0 at line 1 (6 lines)");
  }

  @Test
  void aValueNobodyProposedAndLinesThatAreNotIntegers() {
    List<String> extra = List.of("0", "1", "3", "2", "4", "5", "-9223372036854775808");
    assertThat(failure(extra, extra))
        .isEqualTo("learn1 line 7: -9223372036854775808 was never proposed");
    List<String> junk = List.of("0", "1", "three");
    assertThat(failure(junk, junk)).isEqualTo("learn1 line 3: 'three' is not an integer");
    List<String> tooBig = List.of("9223372036854775808");
    assertThat(failure(tooBig, tooBig)).contains("is not an integer");
  }

  @Test
  void noFiles() {
    assertThat(BroadcastCheck.check(PROPOSED, Map.of()).message())
        .isEqualTo("no learn<n> files: no learner learned anything");
    assertThat(BroadcastCheck.check(Map.of(), Map.of("learn1", SEQUENCE)).message())
        .isEqualTo("no prop<n> files: nothing was proposed");
  }

  @Test
  void learnersAreComparedInNumberOrder() {
    Map<String, List<String>> learned = new TreeMap<>();
    learned.put("learn10", List.of("0", "1", "2", "3", "4", "5"));
    learned.put("learn2", SEQUENCE);
    assertThat(BroadcastCheck.check(PROPOSED, learned).message())
        .isEqualTo("learn10 line 3 is 2 but learn2 line 3 is 3");
  }

  @Test
  void theSubcommandExitsNonZeroWithTheFirstDifference(@TempDir Path dir) throws Exception {
    Files.write(dir.resolve("prop1"), PROPOSED.get("prop1"));
    Files.write(dir.resolve("prop2"), PROPOSED.get("prop2"));
    Files.write(dir.resolve("learn1"), SEQUENCE);
    Files.write(dir.resolve("learn2"), SEQUENCE);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl =
        Main.commandLine(Map.of()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err));
    assertThat(cl.execute("broadcast-check", "--dir", dir.toString())).isZero();
    assertThat(out.toString()).startsWith("OK: 2 learners learned the same 6 values");

    Files.write(dir.resolve("learn2"), SEQUENCE.subList(0, 5));
    assertThat(cl.execute("broadcast-check", "--dir", dir.toString())).isEqualTo(1);
    assertThat(err.toString())
        .isEqualTo(
            "FAILED: learn2 ends after 5 lines; learn1 goes on with 5 at line 6 (6 lines)"
                + System.lineSeparator());
    assertThat(cl.execute("broadcast-check", "--dir", dir.resolve("none").toString())).isEqualTo(2);
  }
}
