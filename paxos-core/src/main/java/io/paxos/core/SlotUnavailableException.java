package io.paxos.core;

/**
 * The slots a watch asked for (or had reached) are no longer retained at this node: they were
 * compacted into a snapshot, pushed out of the node's bounded watch history by newer ones while the
 * watcher lagged, or skipped by a snapshot installed from a peer. {@link #oldestSlot()} is the
 * oldest slot still available here: a caller re-reads the state it derives from the commands (it
 * missed some of them), then watches again from that slot or later, or tries another node, which
 * may still retain {@link #requestedSlot()}.
 */
public final class SlotUnavailableException extends PaxosException {
  private final long requestedSlot;
  private final long oldestSlot;

  public SlotUnavailableException(int nodeId, long requestedSlot, long oldestSlot) {
    super(
        "slot "
            + requestedSlot
            + " is no longer retained at node "
            + nodeId
            + "; the oldest slot still available is "
            + oldestSlot
            + ": re-read the state and resume from slot "
            + oldestSlot
            + ", or resume from slot "
            + requestedSlot
            + " at another node");
    this.requestedSlot = requestedSlot;
    this.oldestSlot = oldestSlot;
  }

  /** {@code message} says where the slots were asked for (a client asking several nodes, say). */
  public SlotUnavailableException(String message, long requestedSlot, long oldestSlot) {
    super(message);
    this.requestedSlot = requestedSlot;
    this.oldestSlot = oldestSlot;
  }

  /** The first slot the watcher needed. */
  public long requestedSlot() {
    return requestedSlot;
  }

  /** The oldest slot this node can still report. */
  public long oldestSlot() {
    return oldestSlot;
  }
}
