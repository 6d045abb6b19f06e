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
   * As {@link #LINEARIZABLE}, but the leader serves the read index from its lease, without a round
   * trip to a quorum, while the lease holds; otherwise (leases off, no lease yet, or expired) the
   * read costs the same round a linearizable one does. Safe as long as every node's clock rate
   * stays within {@code ProtocolOptions.maxClockDrift} of true time and no clock jumps; leases are
   * on when {@code ProtocolOptions.leaseDurationMs} is positive. See docs/leases.md.
   */
  LEASE,
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
