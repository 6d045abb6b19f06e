package io.paxos.core.linearizability;

import io.paxos.core.linearizability.HistoryEvent.Fn;
import java.util.Objects;
import java.util.Optional;

/**
 * One operation of one key, paired from its invocation and completion: the interval from {@code
 * call} to {@code ret} ({@link Long#MAX_VALUE} when the outcome is unknown) and, for a get, the
 * value it read. Immutable.
 *
 * @param event the index of the invocation in the checked history, for messages
 * @param value the value a put or cas writes, or the value a get read; null for absent
 * @param expected the value a cas requires; null for "must be absent"
 * @param definite false for an operation whose outcome is unknown: it may take effect or not
 */
record Operation(
    int event,
    long process,
    Fn f,
    String value,
    String expected,
    long call,
    long ret,
    boolean definite) {

  /** Whether this operation can take effect on a register holding {@code state} (null: absent). */
  boolean accepts(String state) {
    return switch (f) {
      case PUT, DELETE -> true;
      case GET -> Objects.equals(state, value);
      case CAS -> Objects.equals(state, expected);
    };
  }

  /** The register after this operation takes effect on {@code state}. */
  String apply(String state) {
    return switch (f) {
      case PUT, CAS -> value;
      case DELETE -> null;
      case GET -> state;
    };
  }

  /** E.g. {@code p3 cas "a"->"b" [t=100..250]} or {@code p1 get -> absent [t=5..?]}. */
  String describe() {
    String what =
        switch (f) {
          case PUT -> "put " + show(value);
          case GET -> "get -> " + show(value);
          case DELETE -> "delete";
          case CAS -> "cas " + show(expected) + "->" + show(value);
        };
    String end = definite ? Long.toString(ret) : "? (outcome unknown)";
    return "p" + process + " " + what + " [t=" + call + ".." + end + ", event #" + event + "]";
  }

  static String show(String value) {
    return Optional.ofNullable(value).map(HistoryJson::quote).orElse("absent");
  }
}
