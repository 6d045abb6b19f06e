package io.paxos.core;

import io.paxos.core.config.ApplyFailurePolicy;

/**
 * The command was chosen, and the state machine threw when it applied it: under {@link
 * ApplyFailurePolicy#FAIL_COMMAND} every replica fails it the same way and goes on. The command
 * took its slot but, by {@link StateMachine#apply}'s contract, changed no state. Retrying it (with
 * the same session sequence) returns this failure again; submitting it anew fails again unless the
 * state changed meanwhile.
 *
 * <p>It carries the class name and message of what the state machine threw, not the exception
 * itself: the caller may be at another node or another process (the gRPC client gets the same).
 */
public final class CommandFailedException extends PaxosException {
  private final String exceptionClass;
  private final String exceptionMessage;

  /**
   * @param exceptionClass the class name of what the state machine threw
   * @param exceptionMessage its message ("" if it had none)
   */
  public CommandFailedException(String exceptionClass, String exceptionMessage) {
    super(
        "the state machine failed the command with "
            + exceptionClass
            + (exceptionMessage.isEmpty() ? "" : ": " + exceptionMessage));
    this.exceptionClass = exceptionClass;
    this.exceptionMessage = exceptionMessage;
  }

  /**
   * The class name of the exception the state machine threw, e.g. {@code
   * java.lang.ArithmeticException}.
   */
  public String exceptionClass() {
    return exceptionClass;
  }

  /** The message of the exception the state machine threw; empty if it had none. */
  public String exceptionMessage() {
    return exceptionMessage;
  }
}
