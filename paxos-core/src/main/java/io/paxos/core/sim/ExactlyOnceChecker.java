package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Exactly-once application of acknowledged commands, both halves:
 *
 * <ul>
 *   <li><b>At most once</b> (docs/pitfalls.md #13): a client that retries sends the same (client
 *       id, sequence) again, so one session command may be chosen in several slots; each learner's
 *       replica must still apply it once, and answer every later copy with the first result.
 *   <li><b>No acknowledged command lost</b>: a command whose client was told it succeeded (its
 *       request completed) must in the end be applied by every learner's replica, however the nodes
 *       crashed in between and whatever of their unsynced writes survived ({@link
 *       #checkAcknowledged}, once the faults healed and the learners converged).
 *   <li><b>Handed back means never applied</b>: a one-shot command handed back to its client as not
 *       proposed ({@code NotLeaderException}, {@code OverloadedException}) must never be applied by
 *       any replica, since its client may send the operation again as a new command.
 * </ul>
 *
 * <p>Each learner applies its deliveries through its own deduplication, as the runtime's apply
 * thread does with a {@link SessionTable}; a learner that restarts rebuilds it from its durable
 * chosen log. Not thread-safe.
 */
public final class ExactlyOnceChecker {

  /** Applies one chosen command through deduplication; the shape of {@link SessionTable#apply}. */
  @FunctionalInterface
  public interface Deduplication {
    byte[] apply(Command command, long slot, UnaryOperator<byte[]> machine);
  }

  private static final class Replica {
    final Deduplication dedup;

    /** Every command this replica's state machine applied. */
    final Set<CommandKey> applied = new HashSet<>();

    long nextSlot = 1;

    Replica(Deduplication dedup) {
      this.dedup = dedup;
    }
  }

  /** Where a command was acknowledged: the first learner to deliver it, and the slot. */
  private record Acknowledgement(int learner, long slot) {}

  private final Supplier<Deduplication> factory;
  private final Map<Integer, Replica> replicas = new TreeMap<>();
  private final Map<CommandKey, Acknowledgement> acknowledged = new LinkedHashMap<>();
  private final Set<CommandKey> handedBack = new HashSet<>();

  /** Checks {@code factory}'s deduplication, one instance per learner incarnation. */
  public ExactlyOnceChecker(Supplier<Deduplication> factory) {
    this.factory = factory;
  }

  /** A learner (re)starts with the durable chosen values {@code durable} (slots 1..n). */
  public void onStart(int learner, List<Value> durable) {
    replicas.put(learner, new Replica(factory.get()));
    long slot = 1;
    for (Value v : durable) {
      onDeliver(learner, slot++, v);
    }
  }

  /**
   * A learner delivered {@code value} at {@code slot}; apply it and check every session command.
   */
  public void onDeliver(int learner, long slot, Value value) {
    Replica r = replicas.computeIfAbsent(learner, k -> new Replica(factory.get()));
    if (slot != r.nextSlot) {
      return;
    }
    for (Command c : value.commands()) {
      CommandKey key = CommandKey.of(c);
      byte[] result = r.dedup.apply(c, slot, payload -> firstApplication(learner, r, c, key));
      if (c.inSession() && result != null && !Arrays.equals(result, resultOf(key))) {
        throw new InvariantViolation(
            InvariantViolation.INTEGRITY,
            "learner "
                + learner
                + " answered "
                + key
                + " in slot "
                + slot
                + " with another result than its first application");
      }
    }
    r.nextSlot++;
  }

  /**
   * The client of {@code command} was told it succeeded, because {@code learner} delivered it at
   * {@code slot}.
   */
  public void onAcknowledged(CommandKey command, int learner, long slot) {
    acknowledged.putIfAbsent(command, new Acknowledgement(learner, slot));
  }

  /**
   * The client of the one-shot {@code command} was told it was not proposed: no replica applied it,
   * and none may from now on.
   */
  public void onHandedBack(Command command) {
    if (command.inSession()) {
      return; // its client retries the same command; the session table applies it once
    }
    CommandKey key = CommandKey.of(command);
    handedBack.add(key);
    for (Map.Entry<Integer, Replica> r : replicas.entrySet()) {
      if (r.getValue().applied.contains(key)) {
        throw handedBackApplied(r.getKey(), key);
      }
    }
  }

  /**
   * Every acknowledged command was applied by every learner's replica (as it stands now: a
   * restarted learner rebuilt from its durable log and what it delivered since). Call it once the
   * learners have converged. Learners removed from the membership stop where they were: see the
   * overload.
   */
  public void checkAcknowledged() {
    checkAcknowledged(id -> true);
  }

  /** As {@link #checkAcknowledged()}, for the learners {@code current} names only. */
  public void checkAcknowledged(java.util.function.IntPredicate current) {
    for (Map.Entry<CommandKey, Acknowledgement> a : acknowledged.entrySet()) {
      for (Map.Entry<Integer, Replica> r : replicas.entrySet()) {
        if (current.test(r.getKey()) && !r.getValue().applied.contains(a.getKey())) {
          throw new InvariantViolation(
              InvariantViolation.ACKNOWLEDGED_LOST,
              "command "
                  + a.getKey()
                  + " was acknowledged to its client (learner "
                  + a.getValue().learner()
                  + " delivered it in slot "
                  + a.getValue().slot()
                  + ") but learner "
                  + r.getKey()
                  + " never applied it in slots 1.."
                  + (r.getValue().nextSlot - 1));
        }
      }
    }
  }

  private byte[] firstApplication(int learner, Replica r, Command c, CommandKey key) {
    if (handedBack.contains(key)) {
      throw handedBackApplied(learner, key);
    }
    if (!r.applied.add(key) && c.inSession()) {
      throw new InvariantViolation(
          InvariantViolation.INTEGRITY,
          "learner " + learner + " applied session command " + key + " twice");
    }
    return resultOf(key);
  }

  private static InvariantViolation handedBackApplied(int learner, CommandKey key) {
    return new InvariantViolation(
        InvariantViolation.HANDED_BACK_APPLIED,
        "command "
            + key
            + " was handed back to its client as not proposed, but learner "
            + learner
            + " applied it");
  }

  /** What the replica's state machine answers for a command: a function of its identity. */
  private static byte[] resultOf(CommandKey key) {
    return ByteBuffer.allocate(16).putLong(key.clientId()).putLong(key.sequence()).array();
  }
}
