package io.paxos.grpc.client;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.MemberStatus;
import io.paxos.grpc.proto.StatusReply;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Reads {@link StatusReply}s: into the client's {@link NodeRotation}, or into a {@link
 * ClusterStatus}.
 */
final class StatusReplies {
  private StatusReplies() {}

  static void learn(NodeRotation rotation, NodeConnection from, StatusReply reply) {
    Map<Integer, Endpoint> members = new HashMap<>();
    Map<Integer, Set<Role>> roles = new HashMap<>();
    for (MemberStatus m : reply.getMembersList()) {
      endpoint(m).ifPresent(e -> members.put(m.getNodeId(), e));
      Set<Role> r = roles(m);
      if (!r.isEmpty()) {
        roles.put(m.getNodeId(), r);
      }
    }
    rotation.learned(from, reply.getNodeId(), reply.getLeaderId(), members, roles);
  }

  /** The roles {@code m} hosts that this client knows. */
  private static Set<Role> roles(MemberStatus m) {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (io.paxos.grpc.proto.Role r : m.getRolesList()) {
      switch (r) {
        case ROLE_PROPOSER -> roles.add(Role.PROPOSER);
        case ROLE_ACCEPTOR -> roles.add(Role.ACCEPTOR);
        case ROLE_LEARNER -> roles.add(Role.LEARNER);
        default -> {
          // a role this client does not know
        }
      }
    }
    return roles;
  }

  static ClusterStatus toStatus(StatusReply reply) {
    List<ClusterStatus.MemberInfo> members = new ArrayList<>();
    for (MemberStatus m : reply.getMembersList()) {
      members.add(new ClusterStatus.MemberInfo(m.getNodeId(), Set.copyOf(roles(m)), endpoint(m)));
    }
    return new ClusterStatus(
        reply.getClusterId(),
        reply.getNodeId(),
        reply.getLeader(),
        reply.getLeaderId() == 0 ? OptionalInt.empty() : OptionalInt.of(reply.getLeaderId()),
        reply.getAppliedSlot(),
        List.copyOf(members),
        reply.getFailure().isEmpty() ? Optional.empty() : Optional.of(reply.getFailure()),
        reply.getStateHash().isEmpty()
            ? Optional.empty()
            : Optional.of(
                new ClusterStatus.StateHash(reply.getStateHashSlot(), reply.getStateHash())),
        reply.getLearnerOnly(),
        membership(reply));
  }

  /**
   * The membership {@code reply} reports; empty if it reports none, or one this client cannot read.
   */
  private static Optional<ClusterEpoch> membership(StatusReply reply) {
    if (reply.getMembership().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          MembershipReplies.epoch(
              reply.getEpoch(), reply.getEpochFirstSlot(), reply.getMembership()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Optional<Endpoint> endpoint(MemberStatus m) {
    if (m.getEndpoint().isEmpty()) {
      return Optional.empty();
    }
    try {
      return Optional.of(Endpoint.parse(m.getEndpoint()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
