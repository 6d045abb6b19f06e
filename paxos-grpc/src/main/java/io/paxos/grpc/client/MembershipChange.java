package io.paxos.grpc.client;

import io.grpc.Status;
import io.paxos.core.ClusterEpoch;
import io.paxos.core.CommandTimeoutException;
import io.paxos.core.MembershipChangeException;
import io.paxos.grpc.proto.ChangeMembershipReply;
import io.paxos.grpc.proto.ChangeMembershipRequest;
import io.paxos.grpc.proto.Error;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@link PaxosClient#changeMembership} call: asks the node taken for the leader (or the nodes
 * in turn while none is known), follows the leader hints of refusals, and tries another node when
 * one cannot be reached or is closing, until an answer or the deadline. Loop thread only.
 *
 * <p>Retrying is safe: a node answers a request for the membership it is in already with that
 * membership, so a retry whose first attempt took effect succeeds; one that meets the first still
 * in flight is refused with the reason (another change in flight), and the caller looks at the
 * status.
 */
final class MembershipChange {
  private static final long RETRY_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final NodeRotation rotation;
  private final ClientLoop loop;
  private final ChangeMembershipRequest request;
  private final long deadlineNanos;
  final CompletableFuture<ClusterEpoch> future = new CompletableFuture<>();
  private int cursor;
  private String lastProblem = "";

  MembershipChange(
      NodeRotation rotation, ClientLoop loop, ChangeMembershipRequest request, long deadlineNanos) {
    this.rotation = rotation;
    this.loop = loop;
    this.request = request;
    this.deadlineNanos = deadlineNanos;
  }

  void attempt() {
    if (future.isDone()) {
      return;
    }
    long left = deadlineNanos - System.nanoTime();
    if (left <= 0) {
      future.completeExceptionally(
          new ClientDeadlineException(
              "no node answered the membership change within its deadline; its outcome is"
                  + " unknown: look at the status"
                  + lastProblem));
      return;
    }
    NodeConnection n = rotation.leader();
    if (n == null) {
      List<NodeConnection> nodes = rotation.nodes();
      n = nodes.get(Math.floorMod(cursor++, nodes.size()));
    }
    NodeConnection to = n;
    to.changeMembership(
        request,
        Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)),
        (reply, error) -> answered(to, reply, error));
  }

  private void answered(NodeConnection n, ChangeMembershipReply reply, Throwable error) {
    if (future.isDone()) {
      return;
    }
    if (error != null) {
      moveOn(n, Status.fromThrowable(error).toString());
      return;
    }
    if (reply.hasMembership()) {
      try {
        future.complete(MembershipReplies.epoch(reply.getMembership()));
      } catch (IllegalArgumentException e) {
        future.completeExceptionally(
            new IllegalStateException(
                "node at " + n.endpoint + " answered an invalid membership: " + e.getMessage()));
      }
      return;
    }
    Error e = reply.getError();
    String problem = n.endpoint + ": " + e.getMessage();
    switch (e.getCode()) {
      case ERROR_NOT_LEADER -> {
        lastProblem = "; last: " + problem;
        if (rotation.notLeader(n, e.getLeaderHint())) {
          attempt();
        } else {
          loop.schedule(RETRY_DELAY_NANOS, this::attempt);
        }
      }
      case ERROR_MEMBERSHIP_REFUSED ->
          future.completeExceptionally(new MembershipChangeException(e.getMessage()));
      case ERROR_TIMEOUT -> future.completeExceptionally(new CommandTimeoutException(problem));
      case ERROR_INVALID -> future.completeExceptionally(new IllegalArgumentException(problem));
      case ERROR_CLOSED, ERROR_OVERLOADED -> moveOn(n, problem);
      default ->
          future.completeExceptionally(
              new IllegalStateException("node failed the membership change: " + problem));
    }
  }

  /** {@code n} could not serve the attempt: try another node a little later. */
  private void moveOn(NodeConnection n, String problem) {
    lastProblem = "; last: " + n.endpoint + ": " + problem;
    if (rotation.leader() == n) {
      rotation.forgetLeader();
    }
    loop.schedule(RETRY_DELAY_NANOS, this::attempt);
  }
}
