package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.util.HashMap;
import java.util.Map;

/**
 * Validity: every delivered command was submitted by the workload, exactly as submitted (no-ops are
 * allowed). Not thread-safe.
 */
public final class ValidityChecker {
  private final Map<CommandKey, Command> submitted = new HashMap<>();

  /** The workload submitted {@code command}; its (client id, sequence) must be new. */
  public void onSubmit(Command command) {
    if (submitted.putIfAbsent(CommandKey.of(command), command) != null) {
      throw new IllegalStateException("the workload reused the command id of " + command);
    }
  }

  /** A learner delivered {@code value} at {@code slot}. */
  public void onDeliver(int learner, long slot, Value value) {
    for (Command c : value.commands()) {
      Command original = submitted.get(CommandKey.of(c));
      if (original == null || !original.equals(c)) {
        throw new InvariantViolation(
            InvariantViolation.VALIDITY,
            "learner "
                + learner
                + " delivered "
                + c
                + " at slot "
                + slot
                + (original == null
                    ? ", which no client submitted"
                    : ", which differs from the submitted " + original));
      }
    }
  }
}
