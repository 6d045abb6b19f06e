package io.paxos.core.observe;

/**
 * The current values of a running node, read when an observer wants them (a metrics scrape). Every
 * method may be called from any thread, returns at once (it reads values the node's threads
 * publish; {@link #logBytes()} may look at the file system) and never throws.
 */
public interface NodeGauges {

  /** {@return whether this node leads} */
  boolean isLeader();

  /** {@return the node believed to lead (this node if it leads), 0 if none is known} */
  int leaderId();

  /**
   * {@return the round of the highest ballot this node knows of (its own as leader or candidate,
   * the leader's it follows, or the one its acceptor promised); 0 before any}
   */
  long ballotRound();

  /**
   * {@return the applied slot: every slot up to and including it is applied here (0 at a node
   * without a learner)}
   */
  long appliedSlot();

  /**
   * {@return the commit slot: every slot up to and including it is known chosen here (0 at a node
   * without a learner)}
   */
  long commitSlot();

  /** {@return the bytes the durable log takes (0 for a storage that keeps nothing on disk)} */
  long logBytes();

  /**
   * {@return the latest snapshot this node keeps (taken or installed from a peer), if any: the slot
   * it covers and its size in bytes}
   */
  java.util.Optional<io.paxos.core.storage.SnapshotInfo> latestSnapshot();

  /**
   * {@return each peer the transport has reported on, and whether it is reachable now (a copy;
   * empty for a transport that reports nothing, such as the in-memory one)}
   */
  java.util.Map<Integer, Boolean> peersReachable();

  /**
   * {@return the messages from peers this node refused and dropped because a field was out of
   * bounds (see {@code docs/bounds.md})} 0 for a node that does not count them.
   */
  default long messagesRefused() {
    return 0;
  }
}
