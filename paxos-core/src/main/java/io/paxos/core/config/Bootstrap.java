package io.paxos.core.config;

/**
 * How a node treats a storage that holds no bootstrap marker (an empty storage, or one it ran on as
 * a learner only), as etcd's {@code --initial-cluster-state new|existing}.
 *
 * <p>A storage is marked once, when its node first starts as a member of a new cluster; a marked
 * storage votes on every later start, whatever this setting says. An unmarked storage votes only if
 * this setting is {@link #NEW} and the storage is empty: the node then marks it. Otherwise the node
 * serves as a learner only (it does not vote and does not campaign), because an acceptor that lost
 * its disk has forgotten its promises and votes: voting again under its old identity could lose a
 * value that a bare quorum including it had chosen. See {@code docs/wiped-disks.md}.
 */
public enum Bootstrap {
  /**
   * This node is one of the first members of a new cluster: an empty storage is marked and votes.
   * Give it only on the first start of a new cluster's members; a member restarted with it after
   * losing its disk would vote again with a forgotten state.
   */
  NEW,

  /**
   * This node joins (or rejoins) a cluster that may already have chosen values: an unmarked storage
   * serves as a learner only. The safe default.
   */
  EXISTING,

  /**
   * This node is new to a running cluster: a new id, not in the cluster file, on an empty storage,
   * which it marks. It runs outside the membership, catching up from the members, and takes up its
   * roles once a membership change adds it ({@code docs/membership.md}). Give it the cluster file
   * the cluster was created with: the node learns every later membership from the log. Like {@link
   * #NEW}, only for a first start: a member restarted with it after losing its disk would vote
   * again with a forgotten state.
   */
  JOIN
}
