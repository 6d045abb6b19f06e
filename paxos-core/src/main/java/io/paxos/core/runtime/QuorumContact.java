package io.paxos.core.runtime;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import java.util.Arrays;
import java.util.function.IntPredicate;

/**
 * Whether a node that does not lead knows it cannot reach a quorum, so that commands fail at once
 * ({@link io.paxos.core.NoQuorumException}) instead of waiting out the command timeout.
 *
 * <p>An acceptor counts as in contact if a message from it arrived within the {@linkplain
 * #QuorumContact window} (twice the longest election timeout), or if the transport last reported it
 * reachable; this node counts if it is an acceptor. The node cannot reach a quorum when, past its
 * first window, it does not lead, does not hear from the leader it knows of (if any), and has fewer
 * acceptors in contact than the larger of the two quorums (with no leader alive, a new one needs a
 * phase-1 quorum and then a phase-2 quorum to choose anything). Two election timeouts leave a
 * healthy cluster time to elect a leader after the old one is lost, so an election with a quorum
 * alive never makes commands fail here (a follower of an idle cluster hears from the leader alone).
 *
 * <p>Event-loop thread only; times are the loop's milliseconds.
 */
final class QuorumContact {
  private final int nodeId;
  private final int[] members; // ascending ids
  private final boolean[] acceptor; // by position in members
  private final long[] heardAtMs; // by position in members; 0: never
  private final int acceptors;
  private final int needed;
  private final long windowMs;
  private final long startMs;
  private final IntPredicate transportReachable;

  /**
   * @param windowMs how recent a message must be to count (twice the longest election timeout)
   * @param startMs the loop's time when the node started
   * @param transportReachable whether the transport last reported a peer reachable
   */
  QuorumContact(
      int nodeId,
      ClusterConfig config,
      long windowMs,
      long startMs,
      IntPredicate transportReachable) {
    this.nodeId = nodeId;
    this.members = config.ids();
    this.acceptor = new boolean[members.length];
    for (int i = 0; i < members.length; i++) {
      acceptor[i] = config.acceptorIndex(members[i]) >= 0;
    }
    this.acceptors = config.idsWith(Role.ACCEPTOR).length;
    this.heardAtMs = new long[members.length];
    this.needed = Math.max(config.phase1Quorum(), config.phase2Quorum());
    this.windowMs = windowMs;
    this.startMs = startMs;
    this.transportReachable = transportReachable;
  }

  /**
   * {@return the contact of the same node in the membership {@code next}, from {@code nowMs}} What
   * was heard from the members of both stays; the new ones get a fresh window to be heard from.
   */
  QuorumContact follow(ClusterConfig next, long nowMs) {
    QuorumContact c = new QuorumContact(nodeId, next, windowMs, nowMs, transportReachable);
    for (int i = 0; i < members.length; i++) {
      c.heard(members[i], heardAtMs[i]);
    }
    return c;
  }

  /** A message from {@code peer} arrived at {@code nowMs}. */
  void heard(int peer, long nowMs) {
    int i = Arrays.binarySearch(members, peer);
    if (i >= 0) {
      heardAtMs[i] = nowMs;
    }
  }

  /**
   * Why the node cannot reach a quorum at {@code nowMs}, or null if it may: it {@code leads}, or
   * hears from the leader {@code leaderHint} (0: none known), or has a quorum in contact.
   */
  String unreachable(long nowMs, boolean leads, int leaderHint) {
    if (leads || nowMs - startMs <= windowMs) {
      return null;
    }
    if (leaderHint != 0 && leaderHint != nodeId && inContact(leaderHint, nowMs)) {
      return null;
    }
    int count = 0;
    for (int i = 0; i < members.length; i++) {
      if (acceptor[i] && (members[i] == nodeId || inContact(members[i], nowMs))) {
        count++;
      }
    }
    if (count >= needed) {
      return null;
    }
    return "node "
        + nodeId
        + " does not lead, "
        + (leaderHint == 0 || leaderHint == nodeId
            ? "knows no leader"
            : "has not heard from leader " + leaderHint)
        + ", and is in contact with "
        + count
        + " of the "
        + acceptors
        + " acceptors ("
        + needed
        + " needed) within the last "
        + windowMs
        + " ms";
  }

  private boolean inContact(int peer, long nowMs) {
    int i = Arrays.binarySearch(members, peer);
    long heard = i >= 0 ? heardAtMs[i] : 0;
    return (heard != 0 && nowMs - heard <= windowMs) || transportReachable.test(peer);
  }
}
