package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The deduplication table of client sessions: part of the replicated state, so every replica
 * decides the same way whether a session's command is applied. A command applied once is never
 * applied again; a retry gets the result of the first application.
 *
 * <p>Everything here is deterministic: results are forgotten when the client acknowledges them
 * ({@link Command#acknowledgedBelow()}), when a client holds more than {@link #MAX_RESULTS} of them
 * (the oldest first), and whole sessions are forgotten when no command of theirs was applied for
 * {@link #EXPIRY_SLOTS} slots, or when a new session would make more than {@code maxSessions}: then
 * the least recently used one goes (the lowest slot of its last command, ties broken by the lower
 * client id). Nothing depends on a clock, on hash order or on when a replica saw a command: only on
 * the sequence of chosen commands, so every replica expires the same sessions at the same slot.
 *
 * <p>A command of a session that was forgotten is taken as the first of a new session: it is
 * applied, even if it is a retry of one applied before the session was forgotten. Exactly-once
 * therefore holds for a client whose session is kept: one with a command applied within the last
 * {@link #EXPIRY_SLOTS} slots and among the {@code maxSessions} most recently used sessions.
 *
 * <p>Deterministic and single-threaded like the rest of the protocol: the runtime's apply thread
 * owns one, and the simulator keeps one per learner.
 */
public final class SessionTable {
  /**
   * The most results kept per client, counted from its acknowledgement floor up, answered or not: a
   * client's sequences must span fewer than this many from its oldest unanswered one (not merely
   * this many unanswered), or an unanswered command could be forgotten and then skipped as stale.
   */
  public static final int MAX_RESULTS = 4096;

  /** A session with no command applied for this many slots is forgotten. */
  public static final long EXPIRY_SLOTS = 1_000_000;

  private static final long EXPIRY_CHECK_SLOTS = 10_000;

  /**
   * The outcome of {@link #check}: apply the command, answer with a cached result, or skip it. A
   * cached result that is {@code failed} is an {@link ApplyFailure}'s encoding: the command failed.
   */
  public record Verdict(boolean apply, byte[] cachedResult, boolean failed) {
    public static final Verdict APPLY = new Verdict(true, null, false);
    public static final Verdict STALE = new Verdict(false, null, false);

    public Verdict(boolean apply, byte[] cachedResult) {
      this(apply, cachedResult, false);
    }
  }

  private static final class Session {
    final long clientId;
    long floor;
    long lastSlot;
    final TreeMap<Long, byte[]> results = new TreeMap<>();
    // The sequences among the results whose command failed (their result is the failure's
    // encoding).
    final TreeSet<Long> failed = new TreeSet<>();

    Session(long clientId) {
      this.clientId = clientId;
    }
  }

  /** Least recently used first: by the slot of the last command, then by client id. */
  private static final java.util.Comparator<Session> BY_USE =
      java.util.Comparator.<Session>comparingLong(s -> s.lastSlot)
          .thenComparingLong(s -> s.clientId);

  /**
   * One session as it is written into a snapshot: the lowest sequence still answered, the slot of
   * its last command, the results kept (by sequence), and which of them are failures ({@link
   * ApplyFailure}'s encoding).
   */
  public record SessionState(
      long clientId,
      long floor,
      long lastSlot,
      SortedMap<Long, byte[]> results,
      SortedSet<Long> failed) {
    /** A session none of whose kept results is a failure. */
    public SessionState(long clientId, long floor, long lastSlot, SortedMap<Long, byte[]> results) {
      this(clientId, floor, lastSlot, results, new TreeSet<>());
    }
  }

  private final Map<Long, Session> sessions = new HashMap<>();
  // The same sessions, least recently used first; a session's lastSlot changes only outside it.
  private final TreeSet<Session> byUse = new TreeSet<>(BY_USE);
  private final int maxSessions;
  private long lastExpiryCheck;
  private long evicted;

  /** A table of at most {@link ProtocolOptions#DEFAULT_MAX_SESSIONS} sessions. */
  public SessionTable() {
    this(ProtocolOptions.DEFAULT_MAX_SESSIONS);
  }

  /**
   * A table of at most {@code maxSessions} sessions; every replica of a cluster must use the same
   * bound ({@link ProtocolOptions#maxSessions()}).
   *
   * @throws IllegalArgumentException if {@code maxSessions} is not positive
   */
  public SessionTable(int maxSessions) {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maxSessions must be positive, was " + maxSessions);
    }
    this.maxSessions = maxSessions;
  }

  /**
   * Every session, ordered by client id, and the slot of the last expiry check: the whole table,
   * for a snapshot. The result arrays are shared, not copied (they are never changed).
   */
  public List<SessionState> export() {
    List<SessionState> out = new ArrayList<>();
    for (Map.Entry<Long, Session> e : new TreeMap<>(sessions).entrySet()) {
      Session s = e.getValue();
      out.add(
          new SessionState(
              e.getKey(), s.floor, s.lastSlot, new TreeMap<>(s.results), new TreeSet<>(s.failed)));
    }
    return out;
  }

  /** The slot of the last expiry check, part of the table's state. */
  public long lastExpiryCheck() {
    return lastExpiryCheck;
  }

  /** Replace the whole table with one {@link #export exported} before. */
  public void restore(List<SessionState> states, long lastExpiryCheck) {
    sessions.clear();
    byUse.clear();
    for (SessionState st : states) {
      Session s = new Session(st.clientId());
      s.floor = st.floor();
      s.lastSlot = st.lastSlot();
      s.results.putAll(st.results());
      s.failed.addAll(st.failed());
      sessions.put(st.clientId(), s);
      byUse.add(s);
    }
    // A snapshot of a table with a larger bound: keep the most recently used.
    while (sessions.size() > maxSessions) {
      evictLeastRecentlyUsed();
    }
    this.lastExpiryCheck = lastExpiryCheck;
  }

  /**
   * Decide what to do with a session command chosen in {@code slot}: {@link Verdict#APPLY}, a
   * cached result (a retry of an applied command), or {@link Verdict#STALE} (a duplicate of a
   * command the client has already seen answered: nobody waits for it).
   */
  public Verdict check(Command c, long slot) {
    expire(slot);
    Session s = sessions.get(c.clientId());
    if (s == null) {
      return Verdict.APPLY;
    }
    used(s, slot);
    if (c.sequence() < s.floor) {
      return Verdict.STALE;
    }
    byte[] cached = s.results.get(c.sequence());
    return cached == null
        ? Verdict.APPLY
        : new Verdict(false, cached, s.failed.contains(c.sequence()));
  }

  /** Remember the result of a session command just applied in {@code slot}. */
  public void record(Command c, long slot, byte[] result) {
    record(c, slot, result, false);
  }

  /** Remember that a session command applied in {@code slot} failed with {@code failure}. */
  public void recordFailure(Command c, long slot, ApplyFailure failure) {
    record(c, slot, failure.encode(), true);
  }

  private void record(Command c, long slot, byte[] result, boolean failed) {
    Session s = sessions.get(c.clientId());
    if (s == null) {
      if (sessions.size() >= maxSessions) {
        evictLeastRecentlyUsed();
      }
      s = new Session(c.clientId());
      s.lastSlot = slot;
      sessions.put(c.clientId(), s);
      byUse.add(s);
    } else {
      used(s, slot);
    }
    s.results.put(c.sequence(), result);
    if (failed) {
      s.failed.add(c.sequence());
    } else {
      s.failed.remove(c.sequence());
    }
    s.floor = Math.max(s.floor, c.acknowledgedBelow());
    s.results.headMap(s.floor).clear();
    while (s.results.size() > MAX_RESULTS) {
      s.floor = s.results.pollFirstEntry().getKey() + 1;
    }
    s.failed.headSet(s.floor).clear();
  }

  /** Sessions known, for tests and monitoring. */
  public int size() {
    return sessions.size();
  }

  /** The most sessions kept. */
  public int maxSessions() {
    return maxSessions;
  }

  /**
   * Sessions this table forgot to make room for new ones since it was built (not part of the
   * replicated state: a replica restored from a snapshot counts from there). For monitoring.
   */
  public long evicted() {
    return evicted;
  }

  private void used(Session s, long slot) {
    if (s.lastSlot != slot) {
      byUse.remove(s);
      s.lastSlot = slot;
      byUse.add(s);
    }
  }

  private void evictLeastRecentlyUsed() {
    Session oldest = byUse.pollFirst();
    if (oldest != null) {
      sessions.remove(oldest.clientId);
      evicted++;
    }
  }

  /**
   * Apply {@code c}, chosen in {@code slot}, through the table: a command outside any session is
   * applied by {@code machine} every time; a session's command the first time only, and a retry
   * gets the first result. A {@code machine} that throws {@link ApplyFailure} fails the command:
   * the table remembers the failure for the session, and a retry throws it again.
   *
   * @return the result for whoever waits for {@code c}, or null for a stale duplicate that nobody
   *     waits for (not applied)
   * @throws ApplyFailure if the command failed, now or when it was first applied
   */
  public byte[] apply(Command c, long slot, UnaryOperator<byte[]> machine) {
    if (!c.inSession()) {
      return machine.apply(c.payload());
    }
    Verdict verdict = check(c, slot);
    if (verdict == Verdict.STALE) {
      return null;
    }
    if (!verdict.apply()) {
      if (verdict.failed()) {
        throw ApplyFailure.decode(verdict.cachedResult());
      }
      return verdict.cachedResult();
    }
    byte[] result;
    try {
      result = machine.apply(c.payload());
    } catch (ApplyFailure failure) {
      recordFailure(c, slot, failure);
      throw failure;
    }
    record(c, slot, result);
    return result;
  }

  private void expire(long slot) {
    if (slot - lastExpiryCheck < EXPIRY_CHECK_SLOTS) {
      return;
    }
    lastExpiryCheck = slot;
    while (!byUse.isEmpty() && slot - byUse.first().lastSlot > EXPIRY_SLOTS) {
      sessions.remove(byUse.pollFirst().clientId);
    }
  }
}
