package io.paxos.core;

/** Base of the expected outcomes that complete a caller's future exceptionally. */
public class PaxosException extends RuntimeException {
  /**
   * Creates the exception.
   *
   * @param message the detail message
   */
  public PaxosException(String message) {
    super(message);
  }
}
