package io.paxos.core.runtime;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.CommandTimeoutException;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.PaxosException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.transport.Transport;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The runtime's side of membership changes (docs/membership.md): it publishes the membership the
 * node is in, tells the transport and the observers when it moves to a later one, and carries out
 * {@link PaxosNode#changeMembership}: one change at a time per node, proposed by the protocol if
 * this node leads, completed when a membership change takes effect here.
 *
 * <p>A requested change completes with the new membership once this node moves to one whose
 * configuration is the one asked for; it fails if this node moves to another one first (a change
 * proposed elsewhere took effect: the request's own was then void, R1), or, with its outcome
 * unknown, after the command timeout.
 *
 * <p>Event-loop thread only, except {@link #current()}, which any thread may read.
 */
final class MembershipFollower {
  private record Pending(
      ClusterConfig next, CompletableFuture<ClusterEpoch> future, long deadlineMs) {}

  private final int nodeId;
  private final NodeObserver observer;
  private final Transport transport;
  private final long timeoutMs;
  private Membership seen;
  private volatile ClusterEpoch current;
  private Pending pending;

  MembershipFollower(
      int nodeId, Membership start, NodeObserver observer, Transport transport, long timeoutMs) {
    this.nodeId = nodeId;
    this.observer = observer;
    this.transport = transport;
    this.timeoutMs = timeoutMs;
    this.seen = start;
    this.current = view(start);
  }

  static ClusterEpoch view(Membership m) {
    return new ClusterEpoch(m.epoch(), m.config(), m.firstSlot());
  }

  /** {@return the membership this node is in, as of the event loop's last turn} */
  ClusterEpoch current() {
    return current;
  }

  /**
   * The node starts: a transport built from the cluster file learns a later epoch it resumes in.
   */
  void started() {
    if (seen.epoch() > 0) {
      transport.membershipChanged(seen.config(), seen.epoch());
    }
  }

  /** Ask the protocol to change the membership to {@code next}. */
  void request(
      ClusterConfig next, CompletableFuture<ClusterEpoch> future, ProtocolNode protocol, long now) {
    if (pending != null) {
      future.completeExceptionally(
          new MembershipChangeException(
              "a membership change requested at node "
                  + nodeId
                  + " is in flight; retry once it has taken effect"));
      return;
    }
    if (!protocol.isLeader()) {
      future.completeExceptionally(new NotLeaderException(protocol.leaderHint()));
      return;
    }
    Optional<String> refused = protocol.proposeMembership(next, now);
    if (refused.isEmpty()) {
      pending = new Pending(next, future, now + timeoutMs);
    } else {
      future.completeExceptionally(new MembershipChangeException(refused.get()));
    }
  }

  /**
   * After the loop's turn: if the protocol moved to a later membership, publish it, tell the
   * transport and the observers, and settle the pending request.
   *
   * @return the new membership, or null if it did not move
   */
  Membership afterTurn(ProtocolNode protocol) {
    Membership now = protocol.membership();
    if (now.epoch() <= seen.epoch()) {
      return null;
    }
    ClusterEpoch before = current;
    seen = now;
    current = view(now);
    transport.membershipChanged(now.config(), now.epoch());
    observer.membershipChanged(before, current);
    if (pending != null) {
      if (now.config().equals(pending.next())) {
        pending.future().complete(current);
      } else {
        pending
            .future()
            .completeExceptionally(
                new MembershipChangeException(
                    "another membership change took effect first ("
                        + current
                        + "); this one was not: retry it if it is still wanted"));
      }
      pending = null;
    }
    return now;
  }

  /** Fail a request that has waited past its timeout: its outcome is unknown. */
  void expire(long now) {
    if (pending != null && now > pending.deadlineMs()) {
      pending
          .future()
          .completeExceptionally(
              new CommandTimeoutException(
                  "the membership change was proposed but has not taken effect at node "
                      + nodeId
                      + " within "
                      + timeoutMs
                      + " ms: its outcome is unknown; check membership() before retrying"));
      pending = null;
    }
  }

  /** Fail the pending request, the node having stopped. */
  void failAll(PaxosException error) {
    if (pending != null) {
      pending.future().completeExceptionally(error);
      pending = null;
    }
  }
}
