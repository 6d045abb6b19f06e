package io.paxos.grpc.client;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Value;
import io.paxos.grpc.proto.EpochMembership;

/**
 * A membership on the client wire: the core's {@link MembershipCodec} bytes, whose own epoch is not
 * read, and the epoch and first slot beside them (the node's {@code MembershipCalls} writes them).
 * Stateless.
 */
final class MembershipReplies {
  /** The most bytes of a membership this client decodes; a node's {@code MembershipCalls} too. */
  static final int MAX_MEMBERSHIP_BYTES = 64 * 1024;

  private MembershipReplies() {}

  static ByteString bytes(ClusterConfig config) {
    return UnsafeByteOperations.unsafeWrap(
        MembershipCodec.encode(new Value.Reconfigure(1, config)));
  }

  /**
   * {@return the membership {@code m} carries}
   *
   * @throws IllegalArgumentException if it is not a valid one, or larger than {@link
   *     #MAX_MEMBERSHIP_BYTES}
   */
  static ClusterEpoch epoch(EpochMembership m) {
    return epoch(m.getEpoch(), m.getFirstSlot(), m.getMembership());
  }

  static ClusterEpoch epoch(int epoch, long firstSlot, ByteString bytes) {
    if (bytes.size() > MAX_MEMBERSHIP_BYTES) {
      throw new IllegalArgumentException(
          "membership of " + bytes.size() + " bytes; at most " + MAX_MEMBERSHIP_BYTES);
    }
    if (epoch < 0 || epoch > Ballot.MAX_EPOCH) {
      throw new IllegalArgumentException("epoch " + Integer.toUnsignedString(epoch));
    }
    ClusterConfig config = MembershipCodec.decode(bytes.toByteArray()).next();
    return new ClusterEpoch(epoch, config, Math.max(1, firstSlot));
  }
}
