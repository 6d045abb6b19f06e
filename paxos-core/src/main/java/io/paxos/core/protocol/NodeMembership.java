package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A node's membership (docs/membership.md): the epoch and configuration that govern the slots from
 * its learner's next one, how it moves to a later one, and the changes it proposes. It hands each
 * new membership to the node's roles; the {@link ProtocolNode} follows it with its message bounds.
 *
 * <p>R7, catching up before counting: a leader proposes a membership that adds an acceptor only if
 * that node asked it for the log recently, from a slot within {@link #CAUGHT_UP_SLOTS} of this
 * node's commit point. A node outside the membership (one joining, or one removed) polls the
 * learners of its membership for the log ({@link DefaultLearner}), so a leader hears from a joining
 * node while it catches up. Only liveness depends on this: an acceptor of a new epoch needs no past
 * to vote, but a node that does not know it was added waits to learn it through the log.
 *
 * <p>Not thread-safe; owned by its {@link ProtocolNode}.
 */
final class NodeMembership {
  /** How far behind this node's commit point an added acceptor may be, in slots. */
  static final long CAUGHT_UP_SLOTS = 1024;

  /** How many nodes outside the membership a leader remembers the progress of. */
  static final int MAX_OUTSIDERS = 64;

  private final int id;
  private final Acceptor acceptor;
  private final Proposer proposer;
  private final Learner learner;
  private final long heardWithinMs;
  private Membership membership;
  // Nodes outside the membership that asked this node for the log: id -> (next slot, when).
  private final Map<Integer, long[]> outsiders = new LinkedHashMap<>();

  NodeMembership(
      int id,
      Membership start,
      Acceptor acceptor,
      Proposer proposer,
      Learner learner,
      long heardWithinMs) {
    this.id = id;
    this.membership = start;
    this.acceptor = acceptor;
    this.proposer = proposer;
    this.learner = learner;
    this.heardWithinMs = heardWithinMs;
  }

  Membership current() {
    return membership;
  }

  /** Whether the current membership does not have this node (removed, or not joined yet). */
  boolean outside() {
    return membership.config().member(id).isEmpty();
  }

  /** Hand the roles the membership they start in (a node that recovered a later one). */
  void start() {
    adopt(membership, Long.MIN_VALUE, new Outbox());
  }

  /**
   * Move to a later membership once this node knows its epoch ended: its learner delivered the
   * change (or installed a snapshot carrying it), or, on a node without a learner, its proposer
   * committed it.
   *
   * @return whether it moved
   */
  boolean follow(long now, Outbox out) {
    Membership next =
        learner != null
            ? learner.membership()
            : proposer != null ? proposer.endedEpoch().orElse(membership) : membership;
    if (next.epoch() <= membership.epoch()) {
      return false;
    }
    membership = next;
    outsiders.keySet().removeIf(n -> next.config().member(n).isPresent());
    adopt(next, now, out);
    return true;
  }

  private void adopt(Membership next, long now, Outbox out) {
    if (acceptor != null) {
      acceptor.adoptMembership(next);
    }
    if (proposer != null) {
      proposer.adoptMembership(next, now, out);
    }
    if (learner != null) {
      learner.adoptMembership(next);
    }
  }

  /** Node {@code from} asked for the log from {@code nextSlot} at {@code now}. */
  void askedForLog(int from, long nextSlot, long now) {
    if (membership.config().member(from).isPresent()) {
      return;
    }
    outsiders.remove(from);
    if (outsiders.size() >= MAX_OUTSIDERS) {
      Integer oldest = outsiders.keySet().iterator().next();
      outsiders.remove(oldest);
    }
    outsiders.put(from, new long[] {nextSlot, now});
  }

  /**
   * Propose {@code next} as the cluster's next membership; it takes effect when this node's learner
   * delivers it.
   *
   * @param commitSlot this node's commit point, which a new acceptor must be near
   * @return why it is refused; empty if it is proposed
   */
  Optional<String> propose(ClusterConfig next, long commitSlot, long now) {
    if (proposer == null) {
      return Optional.of("node " + id + " hosts no proposer");
    }
    if (!proposer.isLeader()) {
      return Optional.of("not the leader");
    }
    for (Member m : next.members()) {
      if (!m.has(Role.ACCEPTOR) || membership.config().member(m.id()).isPresent()) {
        continue;
      }
      long[] seen = outsiders.get(m.id());
      if (seen == null || now - seen[1] > heardWithinMs) {
        return Optional.of(
            "new acceptor "
                + m.id()
                + " has not asked this leader for the log lately: start it first (to join),"
                + " let it catch up, then retry");
      }
      if (seen[0] < commitSlot + 1 - CAUGHT_UP_SLOTS) {
        return Optional.of(
            "new acceptor "
                + m.id()
                + " is still catching up (at slot "
                + seen[0]
                + ", commit point "
                + commitSlot
                + "): retry once it is within "
                + CAUGHT_UP_SLOTS
                + " slots");
      }
    }
    return proposer.proposeMembership(next);
  }
}
