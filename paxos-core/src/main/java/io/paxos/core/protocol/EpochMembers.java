package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import java.util.Arrays;

/**
 * Whom a proposer talks to in the epoch of its membership (docs/membership.md): the acceptors it
 * prepares and counts votes of, the learners it tells commit points, the nodes its {@code Accept}s
 * and heartbeats go to, and whether it is itself a proposer of the epoch.
 *
 * @param membership the epoch and its configuration
 * @param acceptors the epoch's acceptors, in id order (a vote's bit is its index here)
 * @param learners the epoch's learners
 * @param acceptTargets the nodes an {@code Accept} goes to: acceptors and learners
 * @param everyone every member of the epoch
 * @param proposes whether the node this is for hosts a proposer in the epoch
 */
record EpochMembers(
    Membership membership,
    int[] acceptors,
    int[] learners,
    int[] acceptTargets,
    int[] everyone,
    boolean proposes) {

  /** {@return whom node {@code id} talks to in {@code membership}} */
  static EpochMembers of(int id, Membership membership) {
    ClusterConfig config = membership.config();
    int[] learners = config.idsWith(Role.LEARNER);
    int[] everyone = config.ids();
    int[] acceptTargets =
        Arrays.stream(everyone)
            .filter(
                n -> {
                  var m = config.member(n).orElseThrow();
                  return m.has(Role.ACCEPTOR) || m.has(Role.LEARNER);
                })
            .toArray();
    boolean proposes = config.member(id).map(m -> m.has(Role.PROPOSER)).orElse(false);
    return new EpochMembers(
        membership, config.idsWith(Role.ACCEPTOR), learners, acceptTargets, everyone, proposes);
  }

  ClusterConfig config() {
    return membership.config();
  }

  int epoch() {
    return membership.epoch();
  }

  boolean hasLearner(int id) {
    for (int n : learners) {
      if (n == id) {
        return true;
      }
    }
    return false;
  }
}
