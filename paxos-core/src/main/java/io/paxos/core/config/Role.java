package io.paxos.core.config;

/** The Paxos roles a node can host. A node hosts any non-empty subset of them. */
public enum Role {
  /** Leads: runs phase 1 and phase 2, batches client commands into slots. */
  PROPOSER,
  /** Votes: promises and accepts; the memory of the cluster. */
  ACCEPTOR,
  /** Learns chosen values and applies them to the state machine in slot order. */
  LEARNER
}
