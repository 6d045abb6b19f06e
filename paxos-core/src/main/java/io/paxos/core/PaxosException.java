package io.paxos.core;

/** Base of the expected outcomes that complete a caller's future exceptionally. */
public class PaxosException extends RuntimeException {
  public PaxosException(String message) {
    super(message);
  }
}
