package io.paxos.core.sim;

import io.paxos.core.StateMachine;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.IntPredicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One {@link StateMachine} replica per learner, fed the learner's deliveries in order as the
 * runtime's applier feeds them, checked after every slot against a reference (docs/pitfalls.md #14:
 * non-deterministic apply):
 *
 * <ul>
 *   <li>The reference is one more instance, fed every chosen command through {@code apply}, in slot
 *       order. A replica calls {@code applyWithoutResult} for a command outside a session made at
 *       another node that hosts a learner, and for every such command it replays after a restart;
 *       {@code apply} (through its session table) for the rest. After each slot its state (the
 *       bytes of its snapshot) must equal the reference's after that slot, and each result it built
 *       must equal the reference's.
 *   <li>A snapshot a learner takes is restored into a fresh instance, whose own snapshot must have
 *       the same bytes; a restarted learner restores its snapshot into a fresh instance and replays
 *       the log after it, and a learner that installs a peer's snapshot restores it.
 *   <li>With a query generator, each slot has one query, which the reference and every replica
 *       answer after applying it: the state must not change, and the answers must agree.
 *   <li>With a replica check, it holds for the reference and every replica after every slot.
 * </ul>
 *
 * <p>When a replica's state differs from the reference's, the checker replays the chosen log on
 * fresh instances to name the cause: two instances fed the same commands through {@code apply} that
 * differ (not deterministic), one fed through {@code applyWithoutResult} that differs from one fed
 * through {@code apply}, or, failing both, the snapshot the replica was restored from. Exceptions
 * from the state machine are reported as violations naming the replica and the slot. Not
 * thread-safe.
 */
public final class ReplicaChecker {
  private static final int PREVIEW = 48;

  private static final class Replica {
    final int id;
    final String name;
    StateMachine machine;
    SessionTable sessions = new SessionTable();
    long nextSlot = 1;
    long restoredFrom;
    long byApply;
    long withoutResult;

    Replica(int id, String name) {
      this.id = id;
      this.name = name;
    }
  }

  /** A snapshot taken at some slot: what a learner that restores that slot restores. */
  private record Saved(
      byte[] state, List<SessionTable.SessionState> sessions, long lastExpiryCheck) {}

  private final Supplier<StateMachine> factory;
  private final IntPredicate hostsLearner;
  private final long seed;
  private final Function<RandomGenerator, byte[]> queries;
  private final Function<StateMachine, Optional<String>> check;
  private final Map<Integer, Replica> replicas = new TreeMap<>();
  private final Replica reference = new Replica(0, "the reference");
  // Slot s's value at index s - 1; the reference's state digest after slot s at index s.
  private final List<Value> log = new ArrayList<>();
  private final List<byte[]> digests = new ArrayList<>();
  // The reference's result of each command of slot s (null: not applied), at index s - 1.
  private final List<byte[][]> results = new ArrayList<>();
  // Slot s's query and the reference's answer to it, at index s - 1 (with a query generator).
  private final List<byte[]> slotQueries = new ArrayList<>();
  private final List<byte[]> answers = new ArrayList<>();
  private final Map<Long, Saved> saved = new HashMap<>();
  private final MessageDigest sha;

  /** A checker whose learners all host a learner's origin, without queries or replica checks. */
  public ReplicaChecker(Supplier<StateMachine> factory) {
    this(factory, origin -> true, 0, null, null);
  }

  /**
   * A checker of the replicas {@code factory} builds.
   *
   * @param hostsLearner whether a node hosts a learner (whose commands it answers itself, so the
   *     others apply them without a result)
   * @param seed seeds the query of each slot
   * @param queries makes the query of each slot, or null for none
   * @param check what every replica's state must satisfy (a description of what is wrong, or
   *     empty), or null
   */
  public ReplicaChecker(
      Supplier<StateMachine> factory,
      IntPredicate hostsLearner,
      long seed,
      Function<RandomGenerator, byte[]> queries,
      Function<StateMachine, Optional<String>> check) {
    this.factory = factory;
    this.hostsLearner = hostsLearner;
    this.seed = seed;
    this.queries = queries;
    this.check = check;
    try {
      this.sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    reference.machine = newMachine(reference);
    digests.add(digest(snapshot(reference)));
    checkState(reference, 0);
  }

  /** A learner (re)starts with the durable chosen values {@code durable} (slots 1..n). */
  public void onStart(int learner, List<Value> durable) {
    onStart(learner, 0, durable);
  }

  /**
   * A learner (re)starts from its snapshot of {@code snapshotSlot} (0: none) and replays {@code
   * after}, its durable chosen values from the slot after it.
   */
  public void onStart(int learner, long snapshotSlot, List<Value> after) {
    Replica r = new Replica(learner, "learner " + learner);
    replicas.put(learner, r);
    if (snapshotSlot > 0) {
      restoreInto(r, snapshotSlot);
    } else {
      r.machine = newMachine(r);
    }
    long slot = snapshotSlot;
    for (Value v : after) {
      slot++;
      if (slot == r.nextSlot) {
        apply(r, slot, v, true);
      }
    }
  }

  /** A learner installed a peer's snapshot covering every slot through {@code slot}. */
  public void onInstall(int learner, long slot) {
    Replica r = new Replica(learner, "learner " + learner);
    replicas.put(learner, r);
    restoreInto(r, slot);
  }

  /**
   * A learner took a snapshot of {@code slot}: it is restored into a fresh instance, which must
   * snapshot to the same bytes, and kept for the learners that restore that slot.
   */
  public void onSnapshot(int learner, long slot) {
    Replica r = replicas.get(learner);
    if (r == null || r.nextSlot != slot + 1) {
      return;
    }
    byte[] state = snapshot(r);
    roundTrip(r, state, slot);
    saved.put(slot, new Saved(state, r.sessions.export(), r.sessions.lastExpiryCheck()));
  }

  /** A learner delivered {@code value} at {@code slot}. */
  public void onDeliver(int learner, long slot, Value value) {
    Replica r = replicas.get(learner);
    if (r == null || slot != r.nextSlot) {
      return;
    }
    apply(r, slot, value, false);
  }

  /**
   * At the end: every replica that applied the same slots holds the same state (checked after every
   * slot already), and each one's snapshot restores into a fresh instance with the same bytes.
   */
  public void checkConverged() {
    for (Replica r : replicas.values()) {
      roundTrip(r, snapshot(r), r.nextSlot - 1);
    }
  }

  // ---- applying ----

  private void apply(Replica r, long slot, Value value, boolean replay) {
    advanceReference(slot, value);
    byte[][] expected = results.get((int) (slot - 1));
    List<Command> commands = value.commands();
    for (int i = 0; i < commands.size(); i++) {
      Command c = commands.get(i);
      if (!c.inSession() && (replay || (c.origin() != r.id && hostsLearner.test(c.origin())))) {
        applyWithoutResult(r, slot, c.payload());
      } else {
        byte[] result = r.sessions.apply(c, slot, payload -> applyOne(r, slot, payload));
        if (!Arrays.equals(result, expected[i])) {
          throw new InvariantViolation(
              InvariantViolation.RESULTS,
              r.name
                  + "'s apply of command "
                  + i
                  + " of slot "
                  + slot
                  + " returned "
                  + preview(result)
                  + " but the reference's returned "
                  + preview(expected[i])
                  + ": apply's result must depend only on the state and the command");
        }
      }
    }
    r.nextSlot++;
    afterSlot(r, slot);
  }

  /** The reference applies {@code slot} if no replica did yet. */
  private void advanceReference(long slot, Value value) {
    if (slot < reference.nextSlot) {
      return;
    }
    if (slot != reference.nextSlot) {
      throw new IllegalStateException(
          "slot " + slot + " delivered before slot " + reference.nextSlot + " was");
    }
    log.add(value);
    if (queries != null) {
      byte[] q = queries.apply(new SplittableRandom(seed * 0x9E3779B97F4A7C15L + slot));
      slotQueries.add(q == null ? new byte[0] : q.clone());
    }
    List<Command> commands = value.commands();
    byte[][] out = new byte[commands.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] =
          reference.sessions.apply(
              commands.get(i), slot, payload -> applyOne(reference, slot, payload));
    }
    results.add(out);
    reference.nextSlot++;
    byte[] state = snapshot(reference);
    digests.add(digest(state));
    if (queries != null) {
      answers.add(query(reference, slot, state));
    }
    checkState(reference, slot);
  }

  /** After {@code r} applied {@code slot}: its state, its answer, its invariants. */
  private void afterSlot(Replica r, long slot) {
    byte[] state = snapshot(r);
    if (!Arrays.equals(digest(state), digests.get((int) slot))) {
      throw diverged(r, slot, state);
    }
    if (queries != null) {
      byte[] answer = query(r, slot, state);
      byte[] expected = answers.get((int) (slot - 1));
      if (!Arrays.equals(answer, expected)) {
        throw new InvariantViolation(
            InvariantViolation.QUERY_ANSWERS,
            r.name
                + " answered the query "
                + preview(slotQueries.get((int) (slot - 1)))
                + " after slot "
                + slot
                + " with "
                + preview(answer)
                + " but the reference, in the same state, with "
                + preview(expected)
                + ": query must depend only on the state and the query");
      }
    }
    checkState(r, slot);
  }

  /** {@code r} answers the query of {@code slot}, which must leave {@code state} as it was. */
  private byte[] query(Replica r, long slot, byte[] state) {
    byte[] q = slotQueries.get((int) (slot - 1));
    byte[] answer;
    try {
      answer = r.machine.query(q.clone());
    } catch (RuntimeException e) {
      throw threw(r, "query " + preview(q) + " after slot " + slot, e);
    }
    byte[] after = snapshot(r);
    if (!Arrays.equals(after, state)) {
      throw new InvariantViolation(
          InvariantViolation.QUERY_CHANGES_STATE,
          r.name
              + "'s query "
              + preview(q)
              + " after slot "
              + slot
              + " changed its state: its snapshot was "
              + preview(state)
              + " before the query and "
              + preview(after)
              + " after it");
    }
    return answer;
  }

  private void checkState(Replica r, long slot) {
    if (check == null) {
      return;
    }
    Optional<String> problem;
    try {
      problem = check.apply(r.machine);
    } catch (RuntimeException e) {
      throw threw(r, "invariant check after slot " + slot, e);
    }
    problem.ifPresent(
        p -> {
          throw new InvariantViolation(
              InvariantViolation.STATE_INVARIANT, r.name + " after slot " + slot + ": " + p);
        });
  }

  private byte[] applyOne(Replica r, long slot, byte[] payload) {
    byte[] result;
    try {
      result = r.machine.apply(payload);
    } catch (RuntimeException e) {
      throw threw(r, "apply of slot " + slot + "'s command " + preview(payload), e);
    }
    if (result == null) {
      throw new InvariantViolation(
          InvariantViolation.STATE_MACHINE_FAILED,
          r.name + "'s apply returned null for slot " + slot + " (return an empty array)");
    }
    r.byApply++;
    return result;
  }

  private void applyWithoutResult(Replica r, long slot, byte[] payload) {
    try {
      r.machine.applyWithoutResult(payload);
    } catch (RuntimeException e) {
      throw threw(r, "applyWithoutResult of slot " + slot + "'s command " + preview(payload), e);
    }
    r.withoutResult++;
  }

  // ---- snapshots ----

  private void restoreInto(Replica r, long slot) {
    Saved s = saved.get(slot);
    r.machine = newMachine(r);
    if (s == null) { // no snapshot of that slot was seen: rebuild it from the log
      for (long at = 1; at <= slot; at++) {
        List<Command> commands = log.get((int) (at - 1)).commands();
        for (Command c : commands) {
          long applied = at;
          r.sessions.apply(c, applied, payload -> applyOne(r, applied, payload));
        }
      }
    } else {
      restore(r, r.machine, s.state(), slot);
      r.sessions.restore(s.sessions(), s.lastExpiryCheck());
    }
    r.nextSlot = slot + 1;
    r.restoredFrom = slot;
    byte[] state = snapshot(r);
    if (!Arrays.equals(digest(state), digests.get((int) slot))) {
      throw diverged(r, slot, state);
    }
  }

  /** {@code state}, {@code r}'s snapshot of {@code slot}, restores to the same bytes. */
  private void roundTrip(Replica r, byte[] state, long slot) {
    Replica fresh = new Replica(r.id, "a fresh instance");
    fresh.machine = newMachine(fresh);
    restore(r, fresh.machine, state, slot);
    byte[] again = snapshot(fresh);
    if (!Arrays.equals(again, state)) {
      throw new InvariantViolation(
          InvariantViolation.SNAPSHOT_RESTORE,
          "a fresh instance restored from "
              + r.name
              + "'s snapshot of slot "
              + slot
              + " snapshots to different bytes: restore (or snapshot) loses or changes state, or"
              + " the snapshot is written in an order the instance's history decides (a hash"
              + " map's); snapshot "
              + preview(state)
              + ", after restore "
              + preview(again));
    }
  }

  private void restore(Replica r, StateMachine into, byte[] state, long slot) {
    try {
      into.restore(new ByteArrayInputStream(state));
    } catch (IOException | RuntimeException e) {
      throw threw(r, "restore of the snapshot of slot " + slot, e);
    }
  }

  private byte[] snapshot(Replica r) {
    return snapshot(r, r.machine);
  }

  private byte[] snapshot(Replica r, StateMachine machine) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      machine.snapshot().writeTo(bytes);
    } catch (IOException | RuntimeException e) {
      throw threw(r, "snapshot", e);
    }
    return bytes.toByteArray();
  }

  private StateMachine newMachine(Replica r) {
    StateMachine m;
    try {
      m = factory.get();
    } catch (RuntimeException e) {
      throw threw(r, "state machine factory", e);
    }
    if (m == null) {
      throw new InvariantViolation(
          InvariantViolation.STATE_MACHINE_FAILED, "the state machine factory returned null");
    }
    return m;
  }

  private byte[] digest(byte[] state) {
    return sha.digest(state);
  }

  // ---- diagnosis ----

  /**
   * {@code r}'s state after {@code slot} differs from the reference's: replay the log on fresh
   * instances to name the cause.
   */
  private InvariantViolation diverged(Replica r, long slot, byte[] state) {
    String how =
        r.name
            + " ("
            + (r.restoredFrom > 0
                ? "restored from the snapshot of slot " + r.restoredFrom + ", then "
                : "")
            + r.byApply
            + " commands applied with apply, "
            + r.withoutResult
            + " with applyWithoutResult)";
    // Instances fed the log through apply, and others through applyWithoutResult: those of a kind
    // must agree (else the state machine is not deterministic), then the two kinds must agree.
    Replica[] byApply = {fresh("instance A1"), fresh("instance A2"), fresh("instance A3")};
    Replica[] without = {fresh("instance W1"), fresh("instance W2"), fresh("instance W3")};
    long withoutDiffers = 0;
    byte[] applied = null;
    byte[] notApplied = null;
    for (long at = 1; at <= slot; at++) {
      long s = at;
      for (Command c : log.get((int) (at - 1)).commands()) {
        for (Replica x : byApply) {
          x.sessions.apply(c, s, p -> applyOne(x, s, p));
        }
        for (Replica x : without) {
          if (c.inSession()) {
            x.sessions.apply(c, s, p -> applyOne(x, s, p));
          } else {
            applyWithoutResult(x, s, c.payload());
          }
        }
      }
      byte[][] states = new byte[byApply.length + without.length][];
      for (int i = 0; i < states.length; i++) {
        states[i] = snapshot(i < byApply.length ? byApply[i] : without[i - byApply.length]);
      }
      for (int i = 1; i < states.length; i++) {
        int first = i < byApply.length ? 0 : byApply.length;
        if (i != first && !Arrays.equals(states[first], states[i])) {
          return new InvariantViolation(
              InvariantViolation.NONDETERMINISM,
              "the state machine is not deterministic: fresh instances fed the same commands"
                  + " (slots 1.."
                  + at
                  + ") through "
                  + (first == 0 ? "apply" : "applyWithoutResult")
                  + " hold different states: "
                  + preview(states[first])
                  + " and "
                  + preview(states[i])
                  + " (a clock, unseeded randomness, hash or identity order? found when "
                  + how
                  + " differed from the reference after slot "
                  + slot
                  + ")");
        }
      }
      if (withoutDiffers == 0 && !Arrays.equals(states[0], states[byApply.length])) {
        withoutDiffers = at;
        applied = states[0];
        notApplied = states[byApply.length];
      }
    }
    if (withoutDiffers > 0) {
      return new InvariantViolation(
          InvariantViolation.APPLY_WITHOUT_RESULT,
          "applyWithoutResult changes the state differently from apply: fresh instances fed"
              + " slots 1.."
              + withoutDiffers
              + " through apply and through applyWithoutResult hold "
              + preview(applied)
              + " and "
              + preview(notApplied)
              + " (found when "
              + how
              + " differed from the reference after slot "
              + slot
              + ")");
    }
    byte[] expected = snapshot(byApply[0]);
    return new InvariantViolation(
        r.restoredFrom > 0 ? InvariantViolation.SNAPSHOT_RESTORE : InvariantViolation.REPLICAS,
        how
            + " holds "
            + preview(state)
            + " after slot "
            + slot
            + " but an instance that applied every command through apply holds "
            + preview(expected)
            + (r.restoredFrom > 0
                ? ": what restore rebuilt from the snapshot of slot "
                    + r.restoredFrom
                    + " differs from the state that was snapshotted"
                : ""));
  }

  private Replica fresh(String name) {
    Replica r = new Replica(0, name);
    r.machine = newMachine(r);
    return r;
  }

  private static InvariantViolation threw(Replica r, String what, Exception e) {
    return new InvariantViolation(
        InvariantViolation.STATE_MACHINE_FAILED, r.name + "'s " + what + " threw " + e, e);
  }

  /** A short rendering of {@code bytes}: text if it is printable, else hex. */
  static String preview(byte[] bytes) {
    if (bytes == null) {
      return "nothing (a stale duplicate)";
    }
    boolean text = true;
    for (byte x : bytes) {
      text &= x >= 0x20 && x < 0x7f;
    }
    StringBuilder b = new StringBuilder();
    int shown = Math.min(bytes.length, text ? 2 * PREVIEW : PREVIEW);
    if (text) {
      b.append('"').append(new String(bytes, 0, shown, java.nio.charset.StandardCharsets.US_ASCII));
      b.append(shown < bytes.length ? "...\"" : "\"");
    } else {
      b.append("0x");
      for (int i = 0; i < shown; i++) {
        b.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16))
            .append(Character.forDigit(bytes[i] & 0xf, 16));
      }
      b.append(shown < bytes.length ? "..." : "");
    }
    return b.append(" (").append(bytes.length).append(" bytes)").toString();
  }
}
