package io.paxos.core.sim;

import io.paxos.core.Consistency;

/**
 * One event of the key-value clients' history: an invocation, or its completion. The fields are
 * those of the JSON-lines history format of docs/linearizability.md, plus the consistency of a
 * read.
 *
 * @param process the client process (a session); one operation in flight at a time
 * @param type invocation or completion
 * @param f the operation
 * @param key the key
 * @param value {@code put}/{@code cas}: the value written; a {@code get}'s {@code ok}: the value
 *     read (null: absent)
 * @param expected {@code cas}: the value the key must hold (null: absent)
 * @param timeNs simulated time in nanoseconds; events of one simulated millisecond are numbered in
 *     the order they happened, so the times are strictly increasing
 * @param consistency a read's consistency; null for writes
 */
public record KvEvent(
    long process,
    Type type,
    Fn f,
    String key,
    String value,
    String expected,
    long timeNs,
    Consistency consistency) {

  /** Invocation, or how the operation completed. */
  public enum Type {
    INVOKE,
    /** Took effect, with the recorded result. */
    OK,
    /** Definitely did not take effect (a cas whose comparison did not hold). */
    FAIL,
    /** Outcome unknown: the client gave up waiting; it may still take effect, or never. */
    INFO
  }

  /** The operation. */
  public enum Fn {
    PUT,
    GET,
    DELETE,
    CAS
  }

  /** Whether a linearizability check covers this event: writes, linearizable and lease reads. */
  public boolean linearizable() {
    return f != Fn.GET
        || consistency == Consistency.LINEARIZABLE
        || consistency == Consistency.LEASE;
  }

  KvEvent completed(Type completion, String result, long time) {
    return new KvEvent(process, completion, f, key, result, expected, time, consistency);
  }
}
