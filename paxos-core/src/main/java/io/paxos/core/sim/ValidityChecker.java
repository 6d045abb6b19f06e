package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validity: every delivered command was submitted by the workload, exactly as submitted (no-ops are
 * allowed). A one-shot command's (client id, sequence) is submitted once; a session's command may
 * be submitted again, identical but for the node it was submitted at. Not thread-safe.
 */
public final class ValidityChecker {
  private final Map<CommandKey, List<Command>> submitted = new HashMap<>();

  /** The workload submitted {@code command}. */
  public void onSubmit(Command command) {
    List<Command> copies =
        submitted.computeIfAbsent(CommandKey.of(command), k -> new ArrayList<>());
    if (!copies.isEmpty() && !(command.inSession() && sameCommand(copies.get(0), command))) {
      throw new IllegalStateException("the workload reused the command id of " + command);
    }
    copies.add(command);
  }

  private static boolean sameCommand(Command a, Command b) {
    return a.inSession()
        && a.acknowledgedBelow() == b.acknowledgedBelow()
        && Arrays.equals(a.payload(), b.payload());
  }

  /** A learner delivered {@code value} at {@code slot}. */
  public void onDeliver(int learner, long slot, Value value) {
    for (Command c : value.commands()) {
      List<Command> copies = submitted.getOrDefault(CommandKey.of(c), List.of());
      if (!copies.contains(c)) {
        throw new InvariantViolation(
            InvariantViolation.VALIDITY,
            "learner "
                + learner
                + " delivered "
                + c
                + " at slot "
                + slot
                + (copies.isEmpty()
                    ? ", which no client submitted"
                    : ", which differs from the submitted " + copies));
      }
    }
  }
}
