package io.paxos.core.storage;

/**
 * Storage failed (a write or sync did not complete). The node that sees it stops: continuing could
 * acknowledge state that is not durable.
 */
public class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }

  public StorageException(String message) {
    super(message);
  }
}
