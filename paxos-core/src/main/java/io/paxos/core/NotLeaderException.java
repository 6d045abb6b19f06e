package io.paxos.core;

import java.util.OptionalInt;

/**
 * The command or read was not handled because this node does not lead and could not hand it to a
 * leader. The command was not proposed: retrying it, at the hinted leader, is safe. {@link
 * NoQuorumException} is the case where the node knows it cannot reach a quorum.
 */
public class NotLeaderException extends PaxosException {
  /** The id of the node believed to lead; 0 if none is known. */
  private final int leaderHint;

  /**
   * A node that does not lead, with a message that names the hinted leader.
   *
   * @param leaderHint the id of the node believed to lead; 0 if none is known
   */
  public NotLeaderException(int leaderHint) {
    this(
        leaderHint,
        leaderHint == 0
            ? "no leader is known yet; retry shortly"
            : "not the leader; node " + leaderHint + " is believed to lead");
  }

  /**
   * With a message of its own (for subclasses).
   *
   * @param leaderHint the id of the node believed to lead; 0 if none is known
   * @param message the detail message
   */
  protected NotLeaderException(int leaderHint, String message) {
    super(message);
    this.leaderHint = leaderHint;
  }

  /** {@return the id of the node believed to lead; empty if none is known} */
  public OptionalInt leaderHint() {
    return leaderHint == 0 ? OptionalInt.empty() : OptionalInt.of(leaderHint);
  }
}
