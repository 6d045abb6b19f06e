package io.paxos.core.observe;

/**
 * The current values of a running node, read when an observer wants them (a metrics scrape). Every
 * method may be called from any thread, returns at once (it reads values the node's threads
 * publish; {@link #logBytes()} may look at the file system) and never throws.
 */
public interface NodeGauges {

  /** Whether this node leads. */
  boolean isLeader();

  /** The node believed to lead (this node if it leads), 0 if none is known. */
  int leaderId();

  /**
   * The round of the highest ballot this node knows of (its own as leader or candidate, the
   * leader's it follows, or the one its acceptor promised); 0 before any.
   */
  long ballotRound();

  /** Every slot up to and including this one is applied here (0 at a node without a learner). */
  long appliedSlot();

  /**
   * Every slot up to and including this one is known chosen here (0 at a node without a learner).
   */
  long commitSlot();

  /** Bytes the durable log takes (0 for a storage that keeps nothing on disk). */
  long logBytes();

  /**
   * The latest snapshot this node keeps (taken or installed from a peer), if any: the slot it
   * covers and its size in bytes.
   */
  java.util.Optional<io.paxos.core.storage.SnapshotInfo> latestSnapshot();

  /**
   * Each peer the transport has reported on, and whether it is reachable now (a copy; empty for a
   * transport that reports nothing, such as the in-memory one).
   */
  java.util.Map<Integer, Boolean> peersReachable();
}
