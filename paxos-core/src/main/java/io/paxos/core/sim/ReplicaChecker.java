package io.paxos.core.sim;

import io.paxos.core.StateMachine;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * One {@link StateMachine} replica per learner, fed the learner's deliveries in order; replicas
 * that delivered the same prefix must hold the same state (docs/pitfalls.md #14: non-deterministic
 * apply). A restarted learner's replica is rebuilt from its durable chosen log. Not thread-safe.
 */
public final class ReplicaChecker {
  private static final class Replica {
    StateMachine machine;
    final SessionTable sessions = new SessionTable();
    long nextSlot = 1;
    long resultHash = 17;
  }

  private final Supplier<StateMachine> factory;
  private final Map<Integer, Replica> replicas = new TreeMap<>();

  public ReplicaChecker(Supplier<StateMachine> factory) {
    this.factory = factory;
  }

  /** A learner (re)starts with the durable chosen values {@code durable} (slots 1..n). */
  public void onStart(int learner, List<Value> durable) {
    Replica r = new Replica();
    r.machine = factory.get();
    replicas.put(learner, r);
    long slot = 1;
    for (Value v : durable) {
      onDeliver(learner, slot++, v);
    }
  }

  /** A learner delivered {@code value} at {@code slot}. */
  public void onDeliver(int learner, long slot, Value value) {
    Replica r = replicas.get(learner);
    if (r == null || slot != r.nextSlot) {
      return;
    }
    for (Command c : value.commands()) {
      byte[] result = r.sessions.apply(c, slot, r.machine::apply); // once per session command
      r.resultHash = r.resultHash * 31 + Arrays.hashCode(result);
    }
    r.nextSlot++;
  }

  /** Every replica that applied the same slots must have the same state and results. */
  public void checkConverged() {
    Replica reference = null;
    int referenceId = 0;
    byte[] referenceState = null;
    for (Map.Entry<Integer, Replica> e : replicas.entrySet()) {
      Replica r = e.getValue();
      byte[] state = snapshot(r.machine);
      if (reference == null) {
        reference = r;
        referenceId = e.getKey();
        referenceState = state;
      } else if (r.nextSlot == reference.nextSlot
          && (r.resultHash != reference.resultHash || !Arrays.equals(state, referenceState))) {
        throw new InvariantViolation(
            InvariantViolation.REPLICAS,
            "learners "
                + referenceId
                + " and "
                + e.getKey()
                + " applied slots below "
                + r.nextSlot
                + " but their state machines differ");
      }
    }
  }

  private static byte[] snapshot(StateMachine machine) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      machine.snapshot().writeTo(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
