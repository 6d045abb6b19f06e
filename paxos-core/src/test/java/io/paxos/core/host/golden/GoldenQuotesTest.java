package io.paxos.core.host.golden;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The walk-through, docs/how-a-value-is-chosen.md, quotes the golden scripts' outputs; a change
 * that regenerates the outputs must not leave it quoting what the nodes no longer do. Every step it
 * quotes in a fenced block (a command, {@code ----}, and the lines it printed) must be, line for
 * line, the start of that step in some golden script. A block may quote several steps, separated by
 * a blank line or elided with a {@code ...} line; a block without {@code ----} (commands to run) is
 * not a quote. A block that shows a {@code VIOLATION} line is the output of a broken storage
 * thread, not of a golden: {@link GoldenScriptTest} pins that one.
 *
 * <p>Each check also runs against planted text, because a check that cannot fail proves nothing.
 */
class GoldenQuotesTest {
  static final Path WALK_THROUGH = Path.of("..", "docs", "how-a-value-is-chosen.md");
  static final Pattern FENCE =
      Pattern.compile("^```[A-Za-z]*\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL);

  @Test
  void everyQuotedStepIsInAGolden() throws IOException {
    List<String> goldens = new ArrayList<>();
    for (Path file : GoldenInteractionTest.scripts()) {
      goldens.add(GoldenInteractionTest.read(file));
    }
    String walkThrough = Files.readString(WALK_THROUGH, StandardCharsets.UTF_8);
    assertThat(quotedSteps(walkThrough)).hasSizeGreaterThanOrEqualTo(20);
    assertThat(unquoted(walkThrough, goldens))
        .as("steps %s quotes that no golden script prints (regenerated outputs?)", WALK_THROUGH)
        .isEmpty();
  }

  /** Each check against planted text that breaks it, and text that does not. */
  @Nested
  class ChecksCatchViolations {
    static final String GOLDEN =
        """
        # A comment.
        force 1
        ----
        n1 force #1: durable
        send 1->2 Prepare b=1.1 from-slot=1

        # Another.
        process 2
        ----
        n2 queue #1: promise 1.1, sync
        """;

    static String doc(String block) {
      return "Some prose.\n\n```\n" + block + "```\n\nMore prose.\n";
    }

    @Test
    void aQuoteOfTheGoldenPasses() {
      String quote = "force 1\n----\nn1 force #1: durable\nsend 1->2 Prepare b=1.1 from-slot=1\n";
      assertThat(unquoted(doc(quote), List.of(GOLDEN))).isEmpty();
    }

    @Test
    void stepsSplitByABlankLineOrAnElisionPassEachOnItsOwn() {
      String both = "force 1\n----\nn1 force #1: durable\n\nprocess 2\n----\n";
      String elided = "force 1\n----\nn1 force #1: durable\n...\nprocess 2\n----\n";
      assertThat(quotedSteps(doc(both))).hasSize(2);
      assertThat(unquoted(doc(both), List.of(GOLDEN))).isEmpty();
      assertThat(unquoted(doc(elided), List.of(GOLDEN))).isEmpty();
    }

    @Test
    void aLineQuotedUnderTheWrongStepIsCaught() {
      String moved =
          "process 2\n----\nn2 queue #1: promise 1.1, sync\nsend 1->2 Prepare b=1.1 from-slot=1\n";
      assertThat(unquoted(doc(moved), List.of(GOLDEN))).hasSize(1);
    }

    @Test
    void aLineTheGoldenNoLongerPrintsIsCaught() {
      String stale = "force 1\n----\nn1 force #1: durable\nn1 abandoned [x] NOT_LEADER hint=3\n";
      assertThat(unquoted(doc(stale), List.of(GOLDEN))).hasSize(1);
    }

    @Test
    void aPartOfALineIsNotAQuoteOfIt() {
      String cut = "force 1\n----\nn1 force #1: durable\nsend 1->2 Prepare b=1.1\n";
      assertThat(unquoted(doc(cut), List.of(GOLDEN))).hasSize(1);
    }

    @Test
    void blocksWithoutOutputOrWithAViolationAreNotQuotes() {
      String commands = "./mvnw -B -q -pl paxos-core test\n";
      String broken = "tick 1 at=300\n----\nVIOLATION n1 sent it, but round 1 is not durable\n";
      assertThat(quotedSteps(doc(commands) + doc(broken))).isEmpty();
    }
  }

  /** The steps quoted in the fenced blocks of {@code markdown}, each as "command\n----\nlines". */
  static List<String> quotedSteps(String markdown) {
    List<String> steps = new ArrayList<>();
    Matcher m = FENCE.matcher(markdown.replace("\r\n", "\n"));
    while (m.find()) {
      String block = m.group(1);
      List<String> lines = block.lines().toList();
      if (!lines.contains("----") || lines.stream().anyMatch(l -> l.startsWith("VIOLATION"))) {
        continue;
      }
      StringBuilder step = new StringBuilder();
      for (String line : lines) {
        if (line.isBlank() || line.equals("...")) {
          addStep(steps, step);
        } else {
          step.append(line).append('\n');
        }
      }
      addStep(steps, step);
    }
    return steps;
  }

  private static void addStep(List<String> steps, StringBuilder step) {
    if (!step.isEmpty()) {
      steps.add(step.toString());
      step.setLength(0);
    }
  }

  /** The steps quoted in {@code markdown} that start no step of any of {@code goldens}. */
  static List<String> unquoted(String markdown, List<String> goldens) {
    List<String> padded = goldens.stream().map(g -> "\n" + g.replace("\r\n", "\n")).toList();
    return quotedSteps(markdown).stream()
        .filter(step -> padded.stream().noneMatch(g -> g.contains("\n" + step)))
        .toList();
  }
}
