package io.paxos.core.linearizability;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Checks a history file from the command line:
 *
 * <pre>
 * java -cp paxos-core/target/test-classes io.paxos.core.linearizability.CheckHistory \
 *     [--budget-seconds N] history.jsonl
 * </pre>
 *
 * <p>Prints the verdict and exits 0 if the history is linearizable, 1 if it is not, 2 if the budget
 * (default 60 s) ran out, and 64 for a usage error or an unreadable or malformed file (one line
 * saying what to fix).
 */
public final class CheckHistory {
  static final int LINEARIZABLE = 0;
  static final int NOT_LINEARIZABLE = 1;
  static final int UNKNOWN = 2;
  static final int USAGE = 64;

  private static final String USAGE_LINE =
      "usage: CheckHistory [--budget-seconds N] HISTORY.jsonl"
          + " (JSON lines: process, type, f, key, value, expected, time_ns)";

  private CheckHistory() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the check; returns the exit code. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Duration budget = LinearizabilityChecker.DEFAULT_BUDGET;
    Path file = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--budget-seconds") && i + 1 < args.length) {
        try {
          long seconds = Long.parseLong(args[++i]);
          if (seconds < 1 || seconds > 86_400) {
            throw new NumberFormatException();
          }
          budget = Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
          err.println("--budget-seconds must be a whole number from 1 to 86400, got " + args[i]);
          return USAGE;
        }
      } else if (file == null && !args[i].startsWith("--")) {
        file = Path.of(args[i]);
      } else {
        err.println(USAGE_LINE);
        return USAGE;
      }
    }
    if (file == null) {
      err.println(USAGE_LINE);
      return USAGE;
    }
    if (!Files.isRegularFile(file)) {
      err.println("no history file at " + file.toAbsolutePath() + ": pass the path of one");
      return USAGE;
    }
    Verdict verdict;
    try {
      List<HistoryEvent> history = HistoryReader.read(file);
      verdict = new LinearizabilityChecker(budget).check(history);
    } catch (IOException | IllegalArgumentException e) {
      err.println("cannot check " + file + ": " + e.getMessage());
      return USAGE;
    }
    out.println(verdict.describe());
    return switch (verdict.outcome()) {
      case LINEARIZABLE -> LINEARIZABLE;
      case NOT_LINEARIZABLE -> NOT_LINEARIZABLE;
      case UNKNOWN -> UNKNOWN;
    };
  }
}
