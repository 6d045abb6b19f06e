package io.paxos.examples.broadcast;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.examples.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code broadcast} as a user runs it: acceptors, proposers and learners as separate processes on
 * 127.0.0.1, with and without lost messages; the learners' files are then checked independently of
 * the command's own verdict.
 */
class BroadcastProcessTest {

  private static String run(Path dir, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit =
        Main.commandLine(Map.of())
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args);
    assertThat(exit).as(out + "\n" + err).isZero();
    return out.toString();
  }

  private static void assertLearnedEverythingInOneOrder(Path dir, int proposers, int values)
      throws Exception {
    List<String> first = Files.readAllLines(dir.resolve("learn1"));
    assertThat(first).hasSize(proposers * values);
    assertThat(Files.readAllLines(dir.resolve("learn2"))).isEqualTo(first);
    // Proposer i of K proposes j*K + i-1: together every integer below K*N, once.
    assertThat(first.stream().map(Integer::valueOf).sorted().toList())
        .isEqualTo(java.util.stream.IntStream.range(0, proposers * values).boxed().toList());
  }

  @Test
  void withoutLoss(@TempDir Path dir) throws Exception {
    String out =
        run(
            dir,
            "broadcast",
            "--proposers",
            "2",
            "--learners",
            "2",
            "--values",
            "25",
            "--dir",
            dir.toString(),
            "--timeout",
            "120");
    assertThat(out)
        .contains(
            "OK: 2 learners learned the same 50 values, each of the 50 proposed by 2 proposers"
                + " exactly once");
    assertLearnedEverythingInOneOrder(dir, 2, 25);
  }

  @Test
  void withAFifthOfTheMessagesLost(@TempDir Path dir) throws Exception {
    String out =
        run(
            dir,
            "broadcast",
            "--proposers",
            "2",
            "--learners",
            "2",
            "--values",
            "25",
            "--loss",
            "0.2",
            "--seed",
            "7",
            "--dir",
            dir.toString(),
            "--timeout",
            "120");
    assertThat(out).contains("OK: 2 learners learned the same 50 values");
    // Messages were dropped: the run went through the lossy transport.
    assertThat(out).containsPattern("proposer 1 +node 11 .*\\(dropped [1-9][0-9]* of");
    assertLearnedEverythingInOneOrder(dir, 2, 25);
  }
}
