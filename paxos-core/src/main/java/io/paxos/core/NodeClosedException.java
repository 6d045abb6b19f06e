package io.paxos.core;

/** The node was closed (or stopped after a failure) before the command or read completed. */
public final class NodeClosedException extends PaxosException {
  /**
   * Creates the exception.
   *
   * @param message the detail message: which node, and why it closed
   */
  public NodeClosedException(String message) {
    super(message);
  }
}
