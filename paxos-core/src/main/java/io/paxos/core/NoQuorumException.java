package io.paxos.core;

/**
 * The command was not proposed: the node does not lead, and it has heard from fewer than a quorum
 * of acceptors (the leader among them) for longer than the election timeout, so nothing could be
 * chosen now. Safe to retry, here once a quorum is back, or at another node.
 */
public final class NoQuorumException extends PaxosException {
  public NoQuorumException(String message) {
    super(message);
  }
}
