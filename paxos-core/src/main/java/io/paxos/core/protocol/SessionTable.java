package io.paxos.core.protocol;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The deduplication table of client sessions: part of the replicated state, so every replica
 * decides the same way whether a session's command is applied. A command applied once is never
 * applied again; a retry gets the result of the first application.
 *
 * <p>Everything here is deterministic: results are forgotten when the client acknowledges them
 * ({@link Command#acknowledgedBelow()}), when a client holds more than {@link #MAX_RESULTS} of them
 * (the oldest first), and whole sessions are forgotten when no command of theirs was applied for
 * {@link #EXPIRY_SLOTS} slots. Nothing depends on a clock or on hash order.
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

  /** The outcome of {@link #check}: apply the command, answer with a cached result, or skip it. */
  public record Verdict(boolean apply, byte[] cachedResult) {
    public static final Verdict APPLY = new Verdict(true, null);
    public static final Verdict STALE = new Verdict(false, null);
  }

  private static final class Session {
    long floor;
    long lastSlot;
    final TreeMap<Long, byte[]> results = new TreeMap<>();
  }

  /**
   * One session as it is written into a snapshot: the lowest sequence still answered, the slot of
   * its last command, and the results kept (by sequence).
   */
  public record SessionState(
      long clientId, long floor, long lastSlot, SortedMap<Long, byte[]> results) {}

  private final Map<Long, Session> sessions = new HashMap<>();
  private long lastExpiryCheck;

  /**
   * Every session, ordered by client id, and the slot of the last expiry check: the whole table,
   * for a snapshot. The result arrays are shared, not copied (they are never changed).
   */
  public List<SessionState> export() {
    List<SessionState> out = new ArrayList<>();
    for (Map.Entry<Long, Session> e : new TreeMap<>(sessions).entrySet()) {
      Session s = e.getValue();
      out.add(new SessionState(e.getKey(), s.floor, s.lastSlot, new TreeMap<>(s.results)));
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
    for (SessionState st : states) {
      Session s = new Session();
      s.floor = st.floor();
      s.lastSlot = st.lastSlot();
      s.results.putAll(st.results());
      sessions.put(st.clientId(), s);
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
    s.lastSlot = slot;
    if (c.sequence() < s.floor) {
      return Verdict.STALE;
    }
    byte[] cached = s.results.get(c.sequence());
    return cached == null ? Verdict.APPLY : new Verdict(false, cached);
  }

  /** Remember the result of a session command just applied in {@code slot}. */
  public void record(Command c, long slot, byte[] result) {
    Session s = sessions.computeIfAbsent(c.clientId(), k -> new Session());
    s.lastSlot = slot;
    s.results.put(c.sequence(), result);
    s.floor = Math.max(s.floor, c.acknowledgedBelow());
    s.results.headMap(s.floor).clear();
    while (s.results.size() > MAX_RESULTS) {
      s.floor = s.results.pollFirstEntry().getKey() + 1;
    }
  }

  /** Sessions known, for tests and monitoring. */
  public int size() {
    return sessions.size();
  }

  /**
   * Apply {@code c}, chosen in {@code slot}, through the table: a command outside any session is
   * applied by {@code machine} every time; a session's command the first time only, and a retry
   * gets the first result.
   *
   * @return the result for whoever waits for {@code c}, or null for a stale duplicate that nobody
   *     waits for (not applied)
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
      return verdict.cachedResult();
    }
    byte[] result = machine.apply(c.payload());
    record(c, slot, result);
    return result;
  }

  private void expire(long slot) {
    if (slot - lastExpiryCheck < EXPIRY_CHECK_SLOTS) {
      return;
    }
    lastExpiryCheck = slot;
    List<Long> idle = new ArrayList<>();
    for (Map.Entry<Long, Session> e : sessions.entrySet()) {
      if (slot - e.getValue().lastSlot > EXPIRY_SLOTS) {
        idle.add(e.getKey());
      }
    }
    idle.forEach(sessions::remove);
  }
}
