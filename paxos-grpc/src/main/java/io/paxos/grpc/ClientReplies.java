package io.paxos.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.paxos.core.CommandFailedException;
import io.paxos.core.CommandTimeoutException;
import io.paxos.core.Consistency;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.NodeClosedException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.OverloadedException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.Error;
import io.paxos.grpc.proto.ErrorCode;
import java.util.Arrays;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** How the client service turns a node's outcomes into replies. Stateless. */
final class ClientReplies {
  private ClientReplies() {}

  static ClientReply result(long callId, byte[] result) {
    return result(callId, result, 0);
  }

  /** A result from a node that believes {@code leaderHint} leads (0: itself, or none known). */
  static ClientReply result(long callId, byte[] result, int leaderHint) {
    return result(callId, result, leaderHint, 0);
  }

  /**
   * A result that reflects {@code appliedSlot}, from a node that believes {@code leaderHint} leads.
   */
  static ClientReply result(long callId, byte[] result, int leaderHint, long appliedSlot) {
    return ClientReply.newBuilder()
        .setCallId(callId)
        .setResult(UnsafeByteOperations.unsafeWrap(result))
        .setLeaderHint(leaderHint)
        .setAppliedSlot(appliedSlot)
        .build();
  }

  static ClientReply error(long callId, ErrorCode code, String message, int leaderHint) {
    return ClientReply.newBuilder()
        .setCallId(callId)
        .setError(
            Error.newBuilder().setCode(code).setMessage(message).setLeaderHint(leaderHint).build())
        .build();
  }

  /** The reply to a command the state machine failed: its exception's class and message. */
  static ClientReply commandFailed(long callId, CommandFailedException e) {
    return ClientReply.newBuilder()
        .setCallId(callId)
        .setError(
            Error.newBuilder()
                .setCode(ErrorCode.ERROR_COMMAND_FAILED)
                .setMessage(e.exceptionMessage())
                .setExceptionClass(e.exceptionClass())
                .build())
        .build();
  }

  /** The reply to a read at {@code nodeId}, which hosts no learner of {@code config}. */
  static ClientReply notLearner(long callId, ClusterConfig config, int nodeId) {
    return error(
        callId,
        ErrorCode.ERROR_NOT_LEARNER,
        "node "
            + nodeId
            + " hosts no learner, so it has no state machine to read; read at one of the learners "
            + Arrays.toString(config.idsWith(Role.LEARNER)),
        0);
  }

  /** The reply to a call that completed with {@code result} or failed with {@code failure}. */
  static ClientReply outcome(long callId, byte[] result, Throwable failure) {
    if (failure == null) {
      return result(callId, result);
    }
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    String message = String.valueOf(t.getMessage());
    if (t instanceof NotLeaderException e) {
      return error(callId, ErrorCode.ERROR_NOT_LEADER, message, e.leaderHint().orElse(0));
    } else if (t instanceof OverloadedException) {
      return error(callId, ErrorCode.ERROR_OVERLOADED, message, 0);
    } else if (t instanceof MembershipChangeException) {
      return error(callId, ErrorCode.ERROR_MEMBERSHIP_REFUSED, message, 0);
    } else if (t instanceof CommandTimeoutException) {
      return error(callId, ErrorCode.ERROR_TIMEOUT, message, 0);
    } else if (t instanceof CommandFailedException e) {
      return commandFailed(callId, e);
    } else if (t instanceof NodeClosedException) {
      return error(callId, ErrorCode.ERROR_CLOSED, message, 0);
    } else if (t instanceof IllegalArgumentException || t instanceof IllegalStateException) {
      return error(callId, ErrorCode.ERROR_INVALID, message, 0);
    }
    return error(callId, ErrorCode.ERROR_INTERNAL, t.toString(), 0);
  }

  /** The core's consistency for a requested one; unspecified means linearizable. */
  static Consistency consistency(io.paxos.grpc.proto.Consistency c) {
    switch (c) {
      case CONSISTENCY_UNSPECIFIED:
      case CONSISTENCY_LINEARIZABLE:
        return Consistency.LINEARIZABLE;
      case CONSISTENCY_SEQUENTIAL:
        return Consistency.SEQUENTIAL;
      case CONSISTENCY_STALE:
        return Consistency.STALE;
      case CONSISTENCY_LEASE:
        return Consistency.LEASE;
      default:
        throw new IllegalArgumentException("unknown consistency " + c);
    }
  }
}
