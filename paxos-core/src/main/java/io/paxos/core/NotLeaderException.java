package io.paxos.core;

import java.util.OptionalInt;

/**
 * The command or read was not handled because this node does not lead and could not hand it to a
 * leader. The command was not proposed: retrying it, at the hinted leader, is safe. {@link
 * NoQuorumException} is the case where the node knows it cannot reach a quorum.
 */
public class NotLeaderException extends PaxosException {
  private final int leaderHint;

  public NotLeaderException(int leaderHint) {
    this(
        leaderHint,
        leaderHint == 0
            ? "no leader is known yet; retry shortly"
            : "not the leader; node " + leaderHint + " is believed to lead");
  }

  /** With a message of its own (for subclasses). */
  protected NotLeaderException(int leaderHint, String message) {
    super(message);
    this.leaderHint = leaderHint;
  }

  /** The node believed to lead, if one is known. */
  public OptionalInt leaderHint() {
    return leaderHint == 0 ? OptionalInt.empty() : OptionalInt.of(leaderHint);
  }
}
