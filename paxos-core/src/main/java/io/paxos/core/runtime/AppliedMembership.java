package io.paxos.core.runtime;

import io.paxos.core.config.Role;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.Value;
import java.util.Arrays;

/**
 * The membership as the apply thread sees it: the one governing the slot after the last applied
 * (docs/membership.md). It moves at each applied change, and jumps with a snapshot, which carries
 * the membership of the slot after it; the node's snapshots carry it in turn ({@link
 * SnapshotPayload}). It also answers, without allocating, whether a command's origin hosts a
 * learner in that membership (such a node answers its own commands).
 *
 * <p>Written by the apply thread (and, before the threads start, by the opening thread); read by
 * any thread.
 */
final class AppliedMembership {
  private volatile Membership current;
  private volatile int[] learners; // ascending

  AppliedMembership(Membership initial) {
    use(initial);
  }

  /** {@return the membership of the slot after the last applied} */
  Membership current() {
    return current;
  }

  /** {@code value} was applied in {@code slot}: move on if it was an effective change. */
  void applied(long slot, Value value) {
    if (value instanceof Value.Reconfigure) {
      current.after(slot, value).ifPresent(this::use);
    }
  }

  /** A snapshot was restored that carries {@code governing}: move to it if it is later. */
  void restored(Membership governing) {
    if (governing.epoch() > current.epoch()) {
      use(governing);
    }
  }

  /** {@return whether node {@code id} hosts a learner in the current membership} */
  boolean hostsLearner(int id) {
    return Arrays.binarySearch(learners, id) >= 0;
  }

  private void use(Membership m) {
    learners = m.config().idsWith(Role.LEARNER);
    current = m;
  }
}
