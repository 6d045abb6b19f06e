package io.paxos.core;

/** How fresh a read must be. Stronger levels cost more round trips. */
public enum Consistency {
  /**
   * Reflects every write acknowledged before the read began, on any node: the leader confirms with
   * a quorum that it still leads, and the read waits until this node has applied everything the
   * leader had ordered (read-index).
   */
  LINEARIZABLE,
  /**
   * Served by this node without a round trip, never older than anything this node has already
   * returned (its own writes and reads included), across restarts too: a node's first SEQUENTIAL
   * read after it starts waits for a read index, as a {@link #LINEARIZABLE} one does (it may have
   * applied values before a crash that its log no longer holds), and so needs a quorum.
   */
  SEQUENTIAL,
  /** Served by this node now, from whatever it has applied. */
  STALE
}
