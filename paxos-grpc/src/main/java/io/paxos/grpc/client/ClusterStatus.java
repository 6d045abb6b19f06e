package io.paxos.grpc.client;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * One node's view of its cluster, as its client service reports it.
 *
 * @param clusterId the cluster's name
 * @param nodeId the node that answered
 * @param leader whether that node leads
 * @param leaderId the node it believes leads, if it knows one
 * @param appliedSlot every slot up to and including this one is applied at the answering node
 * @param members every member: id, roles, and the address the answering node knows for it
 * @param failure why the answering node stopped, if it stopped on a failure
 * @param stateHash the answering node's newest digest of its applied state and the slot it was
 *     taken at, if its state machine computes one
 * @param learnerOnly whether the answering node serves as a learner only (it lost its storage)
 * @param membership the membership the answering node is in: epoch, first slot and configuration
 *     (members with roles, priorities and addresses, and quorums); empty from a node that predates
 *     membership changes
 */
public record ClusterStatus(
    String clusterId,
    int nodeId,
    boolean leader,
    OptionalInt leaderId,
    long appliedSlot,
    List<MemberInfo> members,
    Optional<String> failure,
    Optional<StateHash> stateHash,
    boolean learnerOnly,
    Optional<ClusterEpoch> membership) {

  /**
   * A status without a membership, as a node that predates membership changes reports it.
   *
   * @param clusterId the cluster's name
   * @param nodeId the node that answered
   * @param leader whether that node leads
   * @param leaderId the node it believes leads, if it knows one
   * @param appliedSlot every slot up to and including this one is applied at the answering node
   * @param members every member: id, roles, and the address the answering node knows for it
   * @param failure why the answering node stopped, if it stopped on a failure
   * @param stateHash the answering node's newest digest of its applied state, if any
   * @param learnerOnly whether the answering node serves as a learner only (it lost its storage)
   */
  public ClusterStatus(
      String clusterId,
      int nodeId,
      boolean leader,
      OptionalInt leaderId,
      long appliedSlot,
      List<MemberInfo> members,
      Optional<String> failure,
      Optional<StateHash> stateHash,
      boolean learnerOnly) {
    this(
        clusterId,
        nodeId,
        leader,
        leaderId,
        appliedSlot,
        members,
        failure,
        stateHash,
        learnerOnly,
        Optional.empty());
  }

  /** {@return the answering node's membership epoch, 0 (the cluster file's) if it reports none} */
  public int epoch() {
    return membership.map(ClusterEpoch::epoch).orElse(0);
  }

  /**
   * A status without a state hash, of a voting node.
   *
   * @param clusterId the cluster's name
   * @param nodeId the node that answered
   * @param leader whether that node leads
   * @param leaderId the node it believes leads, if it knows one
   * @param appliedSlot every slot up to and including this one is applied at the answering node
   * @param members every member: id, roles, and the address the answering node knows for it
   * @param failure why the answering node stopped, if it stopped on a failure
   */
  public ClusterStatus(
      String clusterId,
      int nodeId,
      boolean leader,
      OptionalInt leaderId,
      long appliedSlot,
      List<MemberInfo> members,
      Optional<String> failure) {
    this(
        clusterId,
        nodeId,
        leader,
        leaderId,
        appliedSlot,
        members,
        failure,
        Optional.empty(),
        false);
  }

  /**
   * A digest of a node's applied state.
   *
   * @param appliedSlot the state had applied every slot up to and including this one
   * @param hash the digest; equal on replicas that hold the same state
   */
  public record StateHash(long appliedSlot, String hash) {}

  /**
   * A member of the cluster and its roles; {@code endpoint} is empty if the node has no address.
   */
  public record MemberInfo(int nodeId, Set<Role> roles, Optional<Endpoint> endpoint) {}
}
