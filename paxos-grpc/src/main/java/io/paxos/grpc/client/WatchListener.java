package io.paxos.grpc.client;

import io.paxos.core.AppliedSlot;

/**
 * Receives what a {@link PaxosClient#watch} reports: every slot that applied commands, from the
 * slot asked for, in slot order, each once, across failovers from node to node.
 *
 * <p><b>Threading.</b> Both methods run on the watch's own thread, one call at a time. {@link
 * #onSlot} may take its time: the node sends nothing more until it returns (flow control), and the
 * watch is only cut off if it falls behind the nodes' whole bounded history.
 */
public interface WatchListener {

  /**
   * The commands applied in one slot, each with its result. An exception thrown here ends the watch
   * ({@link #onError} gets it); the slot is not reported again.
   *
   * @param slot the slot and its applied commands
   */
  void onSlot(AppliedSlot slot);

  /**
   * The watch ended for good, not by {@link ClientWatch#close()}: with {@link
   * io.paxos.core.SlotUnavailableException} if no node retains the next slot any more (re-read the
   * state, then watch again from its {@code oldestSlot()}), {@link IllegalStateException} if no
   * node can be watched (none keeps a history), or what {@link #onSlot} threw. Called at most once.
   *
   * @param error why the watch ended
   */
  default void onError(Throwable error) {}
}
