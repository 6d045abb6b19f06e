package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.protocol.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Changes of membership during a run ({@link SimOptions#membershipChanges()}, docs/membership.md):
 * at evenly spread times during the workload the leader, if there is one, is asked to move the
 * cluster to a random membership drawn from the initial members' ids (3 of them or more, every role
 * on each, random intersecting quorums). Nodes removed keep running: they are the zombies whose old
 * epoch must never decide anything a learner delivers, and a later change may add them back. Its
 * randomness is a stream of its own, so runs without changes draw exactly as before.
 */
final class MembershipChanges {
  private final SimOptions options;
  private final SplittableRandom random;
  private final EventQueue queue;
  private final int[] pool;
  private int asked;
  private int proposed;

  MembershipChanges(SimOptions options, EventQueue queue) {
    this.options = options;
    this.random = new SplittableRandom(options.seed() ^ 0x3E3B_E125_C0DEL);
    this.queue = queue;
    this.pool =
        java.util.stream.IntStream.concat(
                java.util.Arrays.stream(options.cluster().ids()),
                options.joiners().stream().mapToInt(Member::id))
            .toArray();
  }

  /** Put the changes on the clock, evenly over the workload. */
  void schedule() {
    int changes = options.membershipChanges();
    for (int k = 1; k <= changes; k++) {
      long at = options.workloadMs() * k / (changes + 1);
      queue.add(at, Event.Kind.CHANGE_MEMBERSHIP, 0, 0, 0, null);
    }
  }

  /** Ask the leader, if a node is up and leads, to change the membership. */
  void attempt(List<SimNode> nodes, long now) {
    asked++;
    for (SimNode n : nodes) {
      if (n.isLeader() && !n.protocol.removed()) {
        ClusterConfig next = draw(n.protocol.membership());
        if (n.protocol.proposeMembership(next, n.clock(now)).isEmpty()) {
          proposed++;
        }
        return;
      }
    }
  }

  private ClusterConfig draw(Membership current) {
    List<Integer> ids = new ArrayList<>();
    for (int id : pool) {
      ids.add(id);
    }
    int size = 3 + random.nextInt(pool.length - 2);
    List<Member> members = new ArrayList<>();
    while (members.size() < size) {
      members.add(Member.allRoles(ids.remove(random.nextInt(ids.size()))));
    }
    int q2 = size / 2 + random.nextInt(size - size / 2) + 1; // more than half, up to all
    int q1 = size - q2 + 1 + random.nextInt(q2); // intersecting: q1 + q2 > size
    return new ClusterConfig(current.config().clusterId(), members, Math.min(q1, size), q2);
  }

  int asked() {
    return asked;
  }

  int proposed() {
    return proposed;
  }
}
