package io.paxos.core.testing;

/**
 * A kind of fault a {@link StateMachineSimulation} injects. Each seed draws its own mix (some seeds
 * run calm); {@link StateMachineSimulation#without} leaves kinds out of every seed, for instance to
 * narrow down which kind a failing seed needs. A seed run without a kind is another run, not a
 * replay of the same seed with that kind removed.
 */
public enum Fault {
  /** Messages between nodes are lost. */
  MESSAGE_LOSS,
  /** Messages between nodes arrive twice. */
  DUPLICATION,
  /** Groups of nodes are cut off from the others for a while, then healed. */
  PARTITIONS,
  /**
   * Nodes crash (also between a write and its sync, or in the middle of sending) and restart from
   * their storage, losing what they had not synced.
   */
  CRASHES,
  /**
   * A node loses its whole storage, snapshots included, and restarts on an empty one, rebuilding
   * its state from its peers (a learner-only node then, as after a disk replacement).
   */
  WIPES,
  /**
   * A node stops handling anything for a while, keeping its state (a long garbage-collection
   * pause), then handles its backlog at once.
   */
  PAUSES
}
