package io.paxos.core;

/**
 * The command was not proposed: the node does not lead, does not hear from a leader, and has been
 * in contact with fewer than a quorum of acceptors for two election timeouts, so nothing could be
 * chosen now. A {@link NotLeaderException} with no leader hint, so code that retries those retries
 * this too: here once a quorum is back, or at another node.
 */
public final class NoQuorumException extends NotLeaderException {
  public NoQuorumException(String message) {
    super(0, message);
  }
}
