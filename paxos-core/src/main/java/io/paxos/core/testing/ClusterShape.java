package io.paxos.core.testing;

import io.paxos.core.sim.Topology;

/**
 * The shapes of cluster a {@link StateMachineSimulation} runs, one per seed in turn (every shape by
 * default, see {@link StateMachineSimulation#clusterShapes}). In each, every node that hosts a
 * learner runs a replica of the application's state machine.
 */
public enum ClusterShape {
  /** Three nodes, each hosting every role; majority quorums. */
  THREE,
  /** Five nodes, each hosting every role; majority quorums. */
  FIVE,
  /** Roles on separate nodes: proposers 1-5, acceptors 6-10, learners 11 and 12. */
  SPLIT,
  /**
   * Five nodes with every role and flexible quorums: phase 1 needs 4 acceptors, phase 2 needs 2.
   */
  FLEX,
  /** Like {@link #SPLIT}, with acceptors sending their votes straight to the learners too. */
  SPLIT_TO_LEARNERS,
  /** Like {@link #THREE}, with acceptors sending their votes straight to the learners too. */
  THREE_TO_LEARNERS,
  /**
   * Nodes 1-3 host every role, 4 and 5 only an acceptor (they compact their logs on the snapshots
   * of a majority of the three learners).
   */
  MIXED;

  /** The simulator's topology of the same name. */
  Topology topology() {
    return Topology.valueOf(name());
  }
}
