package io.paxos.core.linearizability;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of a key-value history: a process invoking an operation, or that operation completing.
 *
 * <p>{@code value} is the value a {@code put} or {@code cas} writes, and the value a {@code get}
 * read ({@link Optional#empty()} for an absent key) on its {@code ok} completion; {@code expected}
 * is the value a {@code cas} requires, empty when it requires the key to be absent. A {@code cas}
 * whose comparison did not hold completes with {@code fail}, as in Jepsen.
 *
 * <p>Build invocations with the {@code invoke*} factories and their completions with {@link #ok},
 * {@link #okRead}, {@link #fail} and {@link #info} on the invocation; {@link HistoryWriter} stamps
 * the time. Immutable.
 */
public record HistoryEvent(
    long process,
    Type type,
    Fn f,
    String key,
    Optional<String> value,
    Optional<String> expected,
    long timeNs) {

  /** Whether the event is an invocation or how the operation completed. */
  public enum Type {
    /** The process sent the operation. */
    INVOKE,
    /** The operation took effect, with the recorded result. */
    OK,
    /** The operation definitely did not take effect (it is dropped from the check). */
    FAIL,
    /**
     * The outcome is unknown (a timeout, a lost connection): it may take effect later, or never.
     */
    INFO;

    /** The name in the JSON format: {@code invoke}, {@code ok}, {@code fail} or {@code info}. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** The operation. */
  public enum Fn {
    PUT,
    GET,
    DELETE,
    CAS;

    /** The name in the JSON format: {@code put}, {@code get}, {@code delete} or {@code cas}. */
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public HistoryEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(f, "f");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value (use Optional.empty())");
    Objects.requireNonNull(expected, "expected (use Optional.empty())");
  }

  /** {@code process} starts writing {@code value} to {@code key}. */
  public static HistoryEvent invokePut(long process, String key, String value) {
    return new HistoryEvent(
        process,
        Type.INVOKE,
        Fn.PUT,
        key,
        Optional.of(Objects.requireNonNull(value, "value")),
        Optional.empty(),
        0);
  }

  /** {@code process} starts reading {@code key}. */
  public static HistoryEvent invokeGet(long process, String key) {
    return new HistoryEvent(
        process, Type.INVOKE, Fn.GET, key, Optional.empty(), Optional.empty(), 0);
  }

  /** {@code process} starts deleting {@code key}. */
  public static HistoryEvent invokeDelete(long process, String key) {
    return new HistoryEvent(
        process, Type.INVOKE, Fn.DELETE, key, Optional.empty(), Optional.empty(), 0);
  }

  /**
   * {@code process} starts a compare-and-set of {@code key} from {@code expected} (empty: the key
   * must be absent) to {@code value}.
   */
  public static HistoryEvent invokeCas(
      long process, String key, Optional<String> expected, String value) {
    return new HistoryEvent(
        process,
        Type.INVOKE,
        Fn.CAS,
        key,
        Optional.of(Objects.requireNonNull(value, "value")),
        expected,
        0);
  }

  /**
   * This invocation completed and took effect: a put or delete done, a cas whose comparison held. A
   * get completes with {@link #okRead} instead.
   */
  public HistoryEvent ok() {
    if (f == Fn.GET) {
      throw new IllegalStateException("a get completes with okRead(value)");
    }
    return completion(Type.OK, value);
  }

  /** This get completed and read {@code read} (empty: the key was absent). */
  public HistoryEvent okRead(Optional<String> read) {
    if (f != Fn.GET) {
      throw new IllegalStateException("only a get completes with okRead; use ok()");
    }
    return completion(Type.OK, Objects.requireNonNull(read, "read"));
  }

  /** This invocation definitely did not take effect (refused, or a cas whose comparison failed). */
  public HistoryEvent fail() {
    return completion(Type.FAIL, value);
  }

  /** The outcome of this invocation is unknown: it may take effect at any later time, or never. */
  public HistoryEvent info() {
    return completion(Type.INFO, value);
  }

  /** This event at {@code timeNs}. */
  public HistoryEvent at(long timeNs) {
    return new HistoryEvent(process, type, f, key, value, expected, timeNs);
  }

  private HistoryEvent completion(Type completion, Optional<String> result) {
    if (type != Type.INVOKE) {
      throw new IllegalStateException("only an invocation completes, not " + type.json());
    }
    return new HistoryEvent(process, completion, f, key, result, expected, timeNs);
  }
}
