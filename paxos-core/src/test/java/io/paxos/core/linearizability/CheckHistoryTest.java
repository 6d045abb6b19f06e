package io.paxos.core.linearizability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line check: its verdicts, exit codes and one-line usage errors. */
class CheckHistoryTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return CheckHistory.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private Path file(List<HistoryEvent> events) throws Exception {
    Path file = dir.resolve("history.jsonl");
    Files.writeString(
        file, events.stream().map(HistoryJson::write).collect(Collectors.joining("\n", "", "\n")));
    return file;
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aLinearizableHistoryExitsZero() throws Exception {
    Path file = file(new Histories().put(1, "k", "a", 0, 1).get(2, "k", "a", 2, 3).events());
    assertThat(run(file.toString())).isEqualTo(CheckHistory.LINEARIZABLE);
    assertThat(out()).startsWith("linearizable: 1 key, 2 operations checked");
  }

  @Test
  void aStaleReadExitsOneAndExplains() throws Exception {
    Path file =
        file(
            new Histories()
                .put(1, "k", "a", 0, 1)
                .put(1, "k", "b", 2, 3)
                .get(2, "k", "a", 4, 5)
                .events());
    assertThat(run("--budget-seconds", "5", file.toString()))
        .isEqualTo(CheckHistory.NOT_LINEARIZABLE);
    assertThat(out()).contains("NOT linearizable", "p2 get -> \"a\"");
  }

  @Test
  void usageMistakesAndBadFilesExit64WithOneLine() throws Exception {
    assertThat(run()).isEqualTo(CheckHistory.USAGE);
    assertThat(run("--budget-seconds", "0", "x")).isEqualTo(CheckHistory.USAGE);
    assertThat(run("--budget-seconds", "lots", "x")).isEqualTo(CheckHistory.USAGE);
    assertThat(run("a", "b")).isEqualTo(CheckHistory.USAGE);
    assertThat(run(dir.resolve("missing.jsonl").toString())).isEqualTo(CheckHistory.USAGE);
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "{\"process\":1}\n");
    assertThat(run(bad.toString())).isEqualTo(CheckHistory.USAGE);
    assertThat(err().lines()).hasSize(6).allMatch(l -> !l.contains("Exception"));
    assertThat(err()).contains("cannot check " + bad + ": line 1: ");
  }
}
