package io.paxos.examples.oplog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code oplog-compare}: 0 with a summary when files agree on every slot they share (a shorter
 * file, a SNAPSHOT marker), 1 with both lines at the first slot two differ, 2 for a missing or
 * malformed file (too long a line, bad or out-of-order slots, control bytes, no ops).
 */
class OpLogCompareTest {
  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private Run compare(String... contents) throws Exception {
    List<String> args = new ArrayList<>();
    for (int i = 0; i < contents.length; i++) {
      Path f = dir.resolve("oplog-" + (i + 1) + ".txt");
      Files.write(f, contents[i].getBytes(StandardCharsets.ISO_8859_1));
      args.add(f.toString());
    }
    return command(args.toArray(String[]::new));
  }

  private static Run command(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new OpLogCompareCommand());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void equalFilesAgree() throws Exception {
    String log = "1 NOOP\n2 PUT a 1\n3 PUT b 2; DEL a\n";
    Run r = compare(log, log, log);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .isEqualTo(
            "3 oplogs agree: 3 slots held by two or more compared, none differs (oplog-1.txt"
                + " through 3, oplog-2.txt through 3, oplog-3.txt through 3)\n");
  }

  @Test
  void aShorterFileAndASnapshotMarkerAreComparedOnlyWhereTheyHoldOps() throws Exception {
    Run r =
        compare(
            "1 PUT a 1\n2 PUT b 2\n3 DEL a\n4 NOOP\n",
            "1 PUT a 1\n2 PUT b 2\n",
            "3 SNAPSHOT\n4 NOOP\n");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("3 oplogs agree: 3 slots held by two or more compared");
  }

  @Test
  void theFirstDifferingSlotIsReportedWithBothLines() throws Exception {
    Run r = compare("1 PUT a 1\n2 PUT b 2\n3 PUT c 3\n", "1 PUT a 1\n2 PUT b X\n3 PUT c Y\n");
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .startsWith("DIFFER: slot 2 differs: ")
        .contains("oplog-1.txt: 2 PUT b 2 | ")
        .contains("oplog-2.txt: 2 PUT b X");
    // A NOOP against an op differs too.
    assertThat(compare("1 NOOP\n", "1 PUT a 1\n").exit()).isEqualTo(1);
  }

  @Test
  void extremeSlotsAndATornLastLine() throws Exception {
    String max = Long.MAX_VALUE + " PUT z 1\n";
    assertThat(compare("1 NOOP\n" + max, max).exit()).isZero();
    Run torn = compare("1 NOOP\n2 PUT a", "1 NOOP\n");
    assertThat(torn.exit()).isZero();
    assertThat(torn.out()).contains("oplog-1.txt through 1 (a torn last line ignored)");
    assertThat(compare("").exit()).isZero(); // an empty file: a node that applied nothing yet
  }

  @Test
  void malformedFilesExit2NamingTheLine() throws Exception {
    assertMalformed("0 NOOP\n", "line 1 has slot 0");
    assertMalformed("-1 NOOP\n", "line 1 has '-1' where a slot number belongs");
    assertMalformed("+1 NOOP\n", "where a slot number belongs");
    assertMalformed("01 NOOP\n", "line 1 has slot 01");
    assertMalformed("9223372036854775808 NOOP\n", "above 2^63-1");
    assertMalformed("99999999999999999999 NOOP\n", "where a slot number belongs");
    assertMalformed("1 NOOP\n1 NOOP\n", "line 2 has slot 1, not above the slot 1 before it");
    assertMalformed("2 NOOP\n1 NOOP\n", "line 2 has slot 1, not above the slot 2");
    assertMalformed("\n", "line 1 is not '<slot> <ops>'");
    assertMalformed("1\n", "is not '<slot> <ops>'");
    assertMalformed("1 \n", "is not '<slot> <ops>'");
    assertMalformed(" 1 NOOP\n", "is not '<slot> <ops>'");
    assertMalformed("1 PUT a\tb\n", "holds the byte 0x09");
    assertMalformed("1 PUT a \u00e9\n", "holds the byte 0xE9");
    assertMalformed("1 PUT a 1\r\n", "holds the byte 0x0D");
    String prefix = "1 ";
    String limit = prefix + "x".repeat(OpLogReader.MAX_LINE_BYTES - prefix.length());
    assertThat(compare(limit + "\n").exit()).isZero();
    assertMalformed(limit + "x\n", "line 1 is longer than " + OpLogReader.MAX_LINE_BYTES);
    // A malformed file is reported even when another file is fine.
    assertThat(compare("1 NOOP\n", "x NOOP\n").exit()).isEqualTo(2);
    // ... and even after a difference: a bad file's verdict is not trusted.
    assertThat(compare("1 NOOP\n2 NOOP\n", "1 PUT a 1\n0 NOOP\n").exit()).isEqualTo(2);
  }

  @Test
  void aMissingFileOrNoFileIsAnError() {
    Run r = command(dir.resolve("absent.txt").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("error: cannot read ").contains("absent.txt");
    assertThat(command().exit()).isEqualTo(2); // usage
  }

  private void assertMalformed(String content, String message) throws Exception {
    Run r = compare(content);
    assertThat(r.exit()).as(content).isEqualTo(2);
    assertThat(r.err()).as(content).startsWith("error: not an oplog: ").contains(message);
  }
}
