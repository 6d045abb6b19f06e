package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;

/**
 * Cluster shapes of {@link Topology} with leader priorities (docs/leader-priority.md), for the
 * simulator's priority check. Kept apart from {@link Topology} so that the seeds that rotate
 * through its shapes run what they ran before priorities existed.
 */
public enum PriorityTopology {
  /** {@link Topology#THREE} with priorities rising with the id: 1, 2, 3. */
  THREE("3-prio", Topology.THREE, 1, 2, 3),
  /** {@link Topology#FIVE} with two at the top (node 2 and 4), one below them, two without. */
  FIVE("5-prio", Topology.FIVE, 0, 20, 5, 20, 0),
  /** {@link Topology#SPLIT}: proposers 1-5 (no acceptor, no learner) with 0, 3, 7, 0, 1. */
  SPLIT("split-prio", Topology.SPLIT, 0, 3, 7, 0, 1),
  /** {@link Topology#MIXED}: nodes 1-3 with every role at 2, 3, 1; the acceptors 4, 5 without. */
  MIXED("mixed-prio", Topology.MIXED, 2, 3, 1);

  private final String label;
  private final Topology base;
  private final int[] priorities;

  PriorityTopology(String label, Topology base, int... priorities) {
    this.label = label;
    this.base = base;
    this.priorities = priorities;
  }

  public String label() {
    return label;
  }

  /** The shape without priorities. */
  public Topology base() {
    return base;
  }

  /** The base topology's cluster, node {@code i + 1} with the {@code i}-th priority. */
  public ClusterConfig cluster() {
    ClusterConfig config = base.cluster();
    for (int i = 0; i < priorities.length; i++) {
      config = config.withPriority(i + 1, priorities[i]);
    }
    return config;
  }

  /** Randomized options ({@link SimOptions#randomized}) for this shape, with its priorities. */
  public SimOptions randomized(long seed) {
    return SimOptions.randomized(seed, base).toBuilder().cluster(cluster()).label(label).build();
  }
}
