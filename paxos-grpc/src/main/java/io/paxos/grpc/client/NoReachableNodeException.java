package io.paxos.grpc.client;

import io.paxos.core.PaxosException;

/**
 * No node of the cluster could be reached before the call's deadline; the command was not received
 * by any node, so it was not applied.
 */
public final class NoReachableNodeException extends PaxosException {
  /**
   * Creates the exception.
   *
   * @param message the nodes tried and why each failed
   */
  public NoReachableNodeException(String message) {
    super(message);
  }
}
