package io.paxos.core;

import java.util.Objects;

/**
 * A command the state machine applied, with the result it returned: what a {@link Watch} reports. A
 * command that was not applied (a session's retry answered from the deduplication table) is never
 * reported.
 *
 * @param command the bytes given to {@code submit}; shared by every watcher: must not be changed
 * @param result what {@link StateMachine#apply} returned; shared likewise, must not be changed
 */
public record AppliedCommand(byte[] command, byte[] result) {
  /**
   * Checks the components; the arrays are kept, not copied.
   *
   * @param command the bytes given to {@code submit}; shared by every watcher: must not be changed
   * @param result what {@link StateMachine#apply} returned; shared likewise, must not be changed
   * @throws NullPointerException if {@code command} or {@code result} is null
   */
  public AppliedCommand {
    Objects.requireNonNull(command, "command");
    Objects.requireNonNull(result, "result");
  }
}
