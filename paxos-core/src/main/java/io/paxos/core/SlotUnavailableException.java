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
  /** The first slot the watcher needed. */
  private final long requestedSlot;

  /** The oldest slot the node could still report. */
  private final long oldestSlot;

  /**
   * Slots no longer retained at node {@code nodeId}, with a message saying where to resume.
   *
   * @param nodeId the id of the node that no longer retains them
   * @param requestedSlot the first slot the watcher needed
   * @param oldestSlot the oldest slot that node can still report
   */
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

  /**
   * With a message of its own, saying where the slots were asked for (a client asking several
   * nodes, say).
   *
   * @param message the detail message
   * @param requestedSlot the first slot the watcher needed
   * @param oldestSlot the oldest slot still available where they were asked for
   */
  public SlotUnavailableException(String message, long requestedSlot, long oldestSlot) {
    super(message);
    this.requestedSlot = requestedSlot;
    this.oldestSlot = oldestSlot;
  }

  /** {@return the first slot the watcher needed} */
  public long requestedSlot() {
    return requestedSlot;
  }

  /** {@return the oldest slot this node can still report} */
  public long oldestSlot() {
    return oldestSlot;
  }
}
