package io.paxos.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Value;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.proto.ChangeMembershipReply;
import io.paxos.grpc.proto.ChangeMembershipRequest;
import io.paxos.grpc.proto.EpochMembership;
import io.paxos.grpc.proto.ErrorCode;
import java.util.function.Consumer;

/**
 * The {@code ChangeMembership} call of the client service (docs/membership.md, "What the operator
 * sees"), and the one encoding of a membership on the client wire: the core's {@link
 * MembershipCodec} bytes, whose epoch is not read (the epoch travels beside them; the client's
 * {@code MembershipReplies} reads them). Stateless.
 */
final class MembershipCalls {
  /**
   * The most bytes of a membership a request may carry: far above any real one (a member takes at
   * most about 270 bytes), far below a message limit.
   */
  static final int MAX_MEMBERSHIP_BYTES = 64 * 1024;

  private MembershipCalls() {}

  /** {@return the bytes that carry {@code config} on the client wire} */
  static ByteString bytes(ClusterConfig config) {
    return UnsafeByteOperations.unsafeWrap(
        MembershipCodec.encode(new Value.Reconfigure(1, config)));
  }

  /**
   * {@return the configuration {@code bytes} carry}
   *
   * @throws IllegalArgumentException if they are longer than {@link #MAX_MEMBERSHIP_BYTES} or not
   *     the bytes of a valid configuration
   */
  static ClusterConfig config(ByteString bytes) {
    if (bytes.size() > MAX_MEMBERSHIP_BYTES) {
      throw new IllegalArgumentException(
          "membership of " + bytes.size() + " bytes; at most " + MAX_MEMBERSHIP_BYTES);
    }
    if (bytes.isEmpty()) {
      throw new IllegalArgumentException("no membership given");
    }
    return MembershipCodec.decode(bytes.toByteArray()).next();
  }

  /** {@return {@code epoch} on the wire} */
  static EpochMembership epoch(ClusterEpoch epoch) {
    return EpochMembership.newBuilder()
        .setEpoch(epoch.epoch())
        .setFirstSlot(epoch.firstSlot())
        .setMembership(bytes(epoch.config()))
        .build();
  }

  /**
   * Serve {@code request} at {@code n} (null while the node starts); {@code reply} gets the answer,
   * on any thread.
   */
  static void handle(
      PaxosNode n,
      int nodeId,
      ChangeMembershipRequest request,
      Consumer<ChangeMembershipReply> reply) {
    if (n == null) {
      reply.accept(error(ErrorCode.ERROR_CLOSED, "node " + nodeId + " is starting", 0));
      return;
    }
    ClusterConfig next;
    try {
      next = config(request.getMembership());
    } catch (IllegalArgumentException e) {
      reply.accept(error(ErrorCode.ERROR_INVALID, "invalid membership: " + e.getMessage(), 0));
      return;
    }
    ClusterEpoch current = n.membership();
    // Already so: a retry whose first attempt took effect, or a request for what is.
    if (current.config().equals(next)
        && (!request.hasFromEpoch()
            || Integer.toUnsignedLong(request.getFromEpoch()) + 1 == current.epoch())) {
      reply.accept(ChangeMembershipReply.newBuilder().setMembership(epoch(current)).build());
      return;
    }
    // Checked at the leader only: a lagging follower's epoch says nothing, and it refuses anyway.
    if (request.hasFromEpoch()
        && n.isLeader()
        && Integer.toUnsignedLong(request.getFromEpoch()) != current.epoch()) {
      reply.accept(
          error(
              ErrorCode.ERROR_MEMBERSHIP_REFUSED,
              "the membership is at epoch "
                  + current.epoch()
                  + ", not "
                  + Integer.toUnsignedString(request.getFromEpoch())
                  + " as the change assumed: compute it again from the current one",
              0));
      return;
    }
    n.changeMembership(next)
        .whenComplete(
            (changed, failure) -> {
              if (failure == null) {
                reply.accept(
                    ChangeMembershipReply.newBuilder().setMembership(epoch(changed)).build());
              } else {
                reply.accept(
                    ChangeMembershipReply.newBuilder()
                        .setError(ClientReplies.outcome(0, null, failure).getError())
                        .build());
              }
            });
  }

  private static ChangeMembershipReply error(ErrorCode code, String message, int hint) {
    return ChangeMembershipReply.newBuilder()
        .setError(
            io.paxos.grpc.proto.Error.newBuilder()
                .setCode(code)
                .setMessage(message)
                .setLeaderHint(hint))
        .build();
  }
}
