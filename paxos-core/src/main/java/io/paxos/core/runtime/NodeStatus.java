package io.paxos.core.runtime;

import io.paxos.core.Term;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A snapshot of what a node knows about itself, for monitoring and demos. The fields are read at
 * slightly different moments, so they need not be consistent with each other (the commit slot may
 * trail the applied slot by a turn of the event loop).
 *
 * @param nodeId this node
 * @param leader whether this node leads
 * @param leaderHint the node believed to lead, if known
 * @param appliedSlot every slot up to and including this one has been applied here
 * @param failure why the node stopped, if it stopped on a failure
 * @param learnerOnly whether this node serves as a learner only: it found its storage without a
 *     bootstrap marker (an empty or wiped disk) and neither votes nor leads
 * @param stateHash the newest digest of the applied state, if the state machine computes one
 *     ({@link io.paxos.core.StateHashing}); it may lag {@code appliedSlot}: compare replicas by
 *     digests taken at the same slot
 * @param term the highest term (ballot) this node knows of: the one its proposer leads or campaigns
 *     with, or its acceptor promised, whichever is higher; {@link Term#NONE} if none
 * @param commitSlot every slot up to and including this one is known chosen here (0 on a node
 *     without a learner)
 */
public record NodeStatus(
    int nodeId,
    boolean leader,
    OptionalInt leaderHint,
    long appliedSlot,
    Optional<String> failure,
    boolean learnerOnly,
    Optional<StateHash> stateHash,
    Term term,
    long commitSlot) {

  /**
   * A digest of the applied state.
   *
   * @param appliedSlot the state had applied every slot up to and including this one
   * @param hash the state machine's {@link io.paxos.core.StateHashing#stateHash()}
   */
  public record StateHash(long appliedSlot, String hash) {}

  /**
   * The status of a voting node that reports no state hash, term or commit slot.
   *
   * @param nodeId this node
   * @param leader whether this node leads
   * @param leaderHint the node believed to lead, if known
   * @param appliedSlot every slot up to and including this one has been applied here
   * @param failure why the node stopped, if it stopped on a failure
   */
  public NodeStatus(
      int nodeId,
      boolean leader,
      OptionalInt leaderHint,
      long appliedSlot,
      Optional<String> failure) {
    this(nodeId, leader, leaderHint, appliedSlot, failure, false, Optional.empty(), Term.NONE, 0);
  }
}
