package io.paxos.core.storage;

/**
 * Storage failed (a write or sync did not complete). The node that sees it stops: continuing could
 * acknowledge state that is not durable.
 */
public class StorageException extends RuntimeException {
  /**
   * Creates the exception.
   *
   * @param message what failed, naming the file where there is one
   * @param cause the I/O failure
   */
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates the exception.
   *
   * @param message what failed, naming the file where there is one
   */
  public StorageException(String message) {
    super(message);
  }
}
