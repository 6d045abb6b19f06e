package io.paxos.core.observe;

/** Why a node stopped leading. */
public enum LeadershipLoss {
  /** Another proposer's higher ballot was seen (a Nack, or a newer leader's message). */
  HIGHER_BALLOT,
  /** No phase-2 quorum of acceptors answered for an election timeout. */
  QUORUM_LOST,
  /**
   * It handed leadership over to a caught-up proposer of higher priority (docs/leader-priority.md).
   */
  HANDED_OVER
}
