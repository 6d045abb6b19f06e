package io.paxos.core;

/**
 * The command was proposed but not known to be applied within the node's command timeout (for
 * example, its leader failed mid-flight). Its outcome is unknown: it may still be applied.
 */
public final class CommandTimeoutException extends PaxosException {
  /**
   * Creates the exception.
   *
   * @param message the detail message: which command, and the timeout
   */
  public CommandTimeoutException(String message) {
    super(message);
  }
}
