package io.paxos.core;

/**
 * A membership change was refused and not proposed: another change is in flight, or the new
 * configuration may not follow the current one (the message says why, in one line). Retrying the
 * same request is safe once the reason is gone, since nothing of it was proposed. A node that does
 * not lead refuses with {@link NotLeaderException} instead.
 */
public final class MembershipChangeException extends PaxosException {
  /**
   * Creates the exception.
   *
   * @param message why the change was refused
   */
  public MembershipChangeException(String message) {
    super(message);
  }
}
