package io.paxos.grpc.client;

import io.paxos.core.PaxosException;

/**
 * The call's deadline passed before it completed. A command's outcome is then unknown: it may still
 * be applied (once: a later command of the same client never repeats it).
 */
public final class ClientDeadlineException extends PaxosException {
  /**
   * Creates the exception.
   *
   * @param message which call, its deadline, and the nodes tried
   */
  public ClientDeadlineException(String message) {
    super(message);
  }
}
