package io.paxos.core.runtime;

import io.paxos.core.Term;
import io.paxos.core.protocol.Ballot;

/**
 * The boundary between the protocol's {@link Ballot} and the API's {@link Term}: what the node
 * reports ({@link NodeStatus}, the observer's leadership events) is converted here, so that no
 * internal type reaches an application.
 */
final class Terms {
  private Terms() {}

  /**
   * {@return {@code ballot} as a term: same epoch and round, its proposer; {@link Term#NONE} for
   * zero}
   */
  static Term of(Ballot ballot) {
    return ballot.equals(Ballot.ZERO)
        ? Term.NONE
        : new Term(ballot.epoch(), ballot.round(), ballot.nodeId());
  }
}
