package io.paxos.core.linearizability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * What {@link LinearizabilityChecker} decided about a history: the outcome, one {@link KeyVerdict}
 * per key (in key order), and a text a developer can read. Immutable.
 *
 * <p>Only {@link Outcome#LINEARIZABLE} is a pass: tests must treat {@link Outcome#UNKNOWN} (the
 * budget ran out) as a failure, which {@link #assertLinearizable()} does.
 */
public record Verdict(Outcome outcome, int operations, List<KeyVerdict> keys) {

  /** The decision. */
  public enum Outcome {
    /** Some order of the operations, consistent with real time, explains every result. */
    LINEARIZABLE,
    /** No such order exists, for at least one key. */
    NOT_LINEARIZABLE,
    /** The search ran out of its budget before deciding: a failure, never a pass. */
    UNKNOWN
  }

  /**
   * The decision about one key.
   *
   * @param operations the key's operations that were checked (failed ones and reads whose outcome
   *     is unknown are dropped before the check)
   * @param states the (linearized set, state) pairs the search remembered
   * @param prefix for a key that is not linearizable: the history indices of the invocations of the
   *     longest linearizable prefix found, in order
   * @param blocked for a key that is not linearizable: the history index of the invocation of the
   *     operation that could not be placed after that prefix
   * @param explanation empty for a linearizable key, else what went wrong
   */
  public record KeyVerdict(
      String key,
      Outcome outcome,
      int operations,
      long states,
      List<Integer> prefix,
      OptionalInt blocked,
      String explanation) {
    public KeyVerdict {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(outcome, "outcome");
      prefix = List.copyOf(prefix);
      Objects.requireNonNull(blocked, "blocked");
      Objects.requireNonNull(explanation, "explanation");
    }
  }

  public Verdict {
    Objects.requireNonNull(outcome, "outcome");
    keys = List.copyOf(keys);
  }

  /** Whether the history passed: only {@link Outcome#LINEARIZABLE} does. */
  public boolean isLinearizable() {
    return outcome == Outcome.LINEARIZABLE;
  }

  /** The first key whose verdict is {@code wanted}, if any. */
  public Optional<KeyVerdict> firstKey(Outcome wanted) {
    return keys.stream().filter(k -> k.outcome() == wanted).findFirst();
  }

  /**
   * A readable account: the outcome, counts, and the explanation of every key that did not pass.
   */
  public String describe() {
    String head =
        switch (outcome) {
          case LINEARIZABLE -> "linearizable";
          case NOT_LINEARIZABLE -> "NOT linearizable";
          case UNKNOWN -> "UNKNOWN (the check ran out of budget: counts as a failure)";
        };
    String details =
        keys.stream()
            .filter(k -> k.outcome() != Outcome.LINEARIZABLE)
            .map(k -> "  " + k.explanation())
            .collect(Collectors.joining("\n"));
    return head
        + ": "
        + keys.size()
        + (keys.size() == 1 ? " key, " : " keys, ")
        + operations
        + " operations checked"
        + (details.isEmpty() ? "" : "\n" + details);
  }

  /**
   * Throws unless the history is linearizable.
   *
   * @throws AssertionError with {@link #describe()}, if the outcome is not {@link
   *     Outcome#LINEARIZABLE}
   */
  public void assertLinearizable() {
    if (!isLinearizable()) {
      throw new AssertionError(describe());
    }
  }

  @Override
  public String toString() {
    return describe();
  }
}
