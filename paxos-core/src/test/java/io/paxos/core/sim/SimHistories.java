package io.paxos.core.sim;

import io.paxos.core.linearizability.HistoryEvent;
import io.paxos.core.linearizability.HistoryJson;
import io.paxos.core.linearizability.LinearizabilityChecker;
import io.paxos.core.linearizability.Verdict;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The simulator's key-value histories ({@link KvEvent}) in the checker's format, and the check that
 * {@link SimOptions#historyCheck} runs: {@link LinearizabilityChecker} with a cap on remembered
 * states, so that a verdict does not depend on the machine's speed. {@code UNKNOWN} (the cap ran
 * out) is a failure, as everywhere.
 */
final class SimHistories {
  /** Remembered states per history; the sweep's histories need a few thousand. */
  static final long MAX_STATES = 500_000;

  /** Where a history that fails the check is written, as JSON lines. */
  static final Path FAILED = Path.of("target", "sim-histories");

  private SimHistories() {}

  /**
   * The check of seed {@code seed}'s history; a failing history is written under {@link #FAILED}.
   */
  static Function<List<KvEvent>, Optional<String>> checker(long seed) {
    return history -> {
      List<HistoryEvent> events = toHistory(history);
      Verdict verdict =
          new LinearizabilityChecker(Duration.ofMinutes(10), MAX_STATES, System::nanoTime)
              .check(events);
      if (verdict.isLinearizable()) {
        return Optional.empty();
      }
      return Optional.of(verdict.describe() + "\n  history: " + write(seed, events));
    };
  }

  static List<HistoryEvent> toHistory(List<KvEvent> history) {
    List<HistoryEvent> out = new ArrayList<>(history.size());
    for (KvEvent e : history) {
      out.add(
          new HistoryEvent(
              e.process(),
              HistoryEvent.Type.valueOf(e.type().name()),
              HistoryEvent.Fn.valueOf(e.f().name()),
              e.key(),
              Optional.ofNullable(e.value()),
              Optional.ofNullable(e.expected()),
              e.timeNs()));
    }
    return out;
  }

  private static String write(long seed, List<HistoryEvent> events) {
    Path file = FAILED.resolve("seed-" + seed + ".jsonl");
    StringBuilder b = new StringBuilder();
    for (HistoryEvent e : events) {
      b.append(HistoryJson.write(e)).append('\n');
    }
    try {
      Files.createDirectories(FAILED);
      Files.writeString(file, b, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file.toAbsolutePath().toString();
  }
}
