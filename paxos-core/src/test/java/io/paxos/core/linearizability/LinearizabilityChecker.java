package io.paxos.core.linearizability;

import io.paxos.core.linearizability.Verdict.KeyVerdict;
import io.paxos.core.linearizability.Verdict.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.function.LongSupplier;

/**
 * Decides whether a key-value history is linearizable: each key is a register (linearizability is
 * local, so keys are checked one at a time, in key order), searched by {@link KeySearch}.
 *
 * <p>Operations: {@code put}, {@code get}, {@code delete}, and {@code cas} (the key holds {@code
 * expected}, or is absent when it is empty, and becomes {@code value}). Failed operations did not
 * take effect and are dropped; an operation whose outcome is unknown ({@code info}, or never
 * completed) may take effect at any time after its invocation, or never; a read whose outcome is
 * unknown is dropped.
 *
 * <p>The whole check has a time budget, and a cap on the states the search remembers (its memory);
 * running out of either makes the verdict {@link Outcome#UNKNOWN}, which is a failure. Immutable
 * and thread-safe; each {@link #check} call is independent.
 */
public final class LinearizabilityChecker {
  /** The budget of {@link #LinearizabilityChecker()}. */
  public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(60);

  /** The default cap on remembered search states, which bounds the checker's memory. */
  public static final long DEFAULT_MAX_STATES = 2_000_000;

  private static final Duration LONGEST_BUDGET = Duration.ofDays(365);

  private final Duration budget;
  private final long maxStates;
  private final LongSupplier clock;

  /** A checker with {@link #DEFAULT_BUDGET}. */
  public LinearizabilityChecker() {
    this(DEFAULT_BUDGET);
  }

  /** A checker that gives up, with {@link Outcome#UNKNOWN}, after {@code budget}. */
  public LinearizabilityChecker(Duration budget) {
    this(budget, DEFAULT_MAX_STATES, System::nanoTime);
  }

  /**
   * A checker with a budget measured on {@code clock} (nanoseconds) and a cap on remembered states.
   *
   * @throws IllegalArgumentException if {@code budget} is negative or {@code maxStates} below 1
   */
  public LinearizabilityChecker(Duration budget, long maxStates, LongSupplier clock) {
    Objects.requireNonNull(budget, "budget");
    if (budget.isNegative()) {
      throw new IllegalArgumentException("the budget must not be negative, got " + budget);
    }
    if (maxStates < 1) {
      throw new IllegalArgumentException("maxStates must be at least 1, got " + maxStates);
    }
    this.budget = budget.compareTo(LONGEST_BUDGET) > 0 ? LONGEST_BUDGET : budget;
    this.maxStates = maxStates;
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Checks {@code history}: events in the order recorded (each process's completion follows its
   * invocation), with times in nanoseconds.
   *
   * @throws IllegalArgumentException naming the event, if the history is malformed (a completion
   *     without an invocation, a process invoking twice, a completion before its invocation)
   */
  public Verdict check(List<HistoryEvent> history) {
    SortedMap<String, List<Operation>> byKey = Pairing.byKey(history);
    long deadline = clock.getAsLong() + budget.toNanos();
    List<KeyVerdict> keys = new ArrayList<>(byKey.size());
    int operations = 0;
    for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
      // Once the deadline passes, every later key's search stops at its first step, UNKNOWN.
      operations += e.getValue().size();
      keys.add(KeySearch.run(e.getKey(), e.getValue(), clock, deadline, maxStates));
    }
    Outcome outcome = Outcome.LINEARIZABLE;
    for (KeyVerdict k : keys) {
      if (k.outcome() == Outcome.NOT_LINEARIZABLE) {
        outcome = Outcome.NOT_LINEARIZABLE;
      } else if (k.outcome() == Outcome.UNKNOWN && outcome == Outcome.LINEARIZABLE) {
        outcome = Outcome.UNKNOWN;
      }
    }
    return new Verdict(outcome, operations, keys);
  }
}
