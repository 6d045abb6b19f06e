package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * Exactly-once application of session commands (PITFALLS #13): a client that retries sends the same
 * (client id, sequence) again, so one command may be chosen in several slots; each learner's
 * replica must still apply it once, and answer every later copy with the first result. Each learner
 * applies its deliveries through its own deduplication, as the runtime's apply thread does with a
 * {@link SessionTable}; a learner that restarts rebuilds it from its durable chosen log. Not
 * thread-safe.
 */
public final class ExactlyOnceChecker {

  /** Applies one chosen command through deduplication; the shape of {@link SessionTable#apply}. */
  @FunctionalInterface
  public interface Deduplication {
    byte[] apply(Command command, long slot, UnaryOperator<byte[]> machine);
  }

  private static final class Replica {
    final Deduplication dedup;
    final Set<CommandKey> applied = new HashSet<>();
    long nextSlot = 1;

    Replica(Deduplication dedup) {
      this.dedup = dedup;
    }
  }

  private final Supplier<Deduplication> factory;
  private final Map<Integer, Replica> replicas = new TreeMap<>();

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

  private static byte[] firstApplication(int learner, Replica r, Command c, CommandKey key) {
    if (c.inSession() && !r.applied.add(key)) {
      throw new InvariantViolation(
          InvariantViolation.INTEGRITY,
          "learner " + learner + " applied session command " + key + " twice");
    }
    return resultOf(key);
  }

  /** What the replica's state machine answers for a command: a function of its identity. */
  private static byte[] resultOf(CommandKey key) {
    return ByteBuffer.allocate(16).putLong(key.clientId()).putLong(key.sequence()).array();
  }
}
