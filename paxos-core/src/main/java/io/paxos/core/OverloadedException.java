package io.paxos.core;

/** The node has too many commands queued; this one was not proposed. Retry later. */
public final class OverloadedException extends PaxosException {
  /**
   * Creates the exception.
   *
   * @param message the detail message: which queue is full
   */
  public OverloadedException(String message) {
    super(message);
  }
}
