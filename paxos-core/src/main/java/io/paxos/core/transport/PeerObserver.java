package io.paxos.core.transport;

/**
 * What a {@link Transport} reports about its peers, for logs and metrics ({@link
 * Transport#observe}).
 *
 * <p><b>Rules for callers (transports).</b> Report reachability once per transition, not per retry:
 * {@link #peerReachable} when a connection to the peer is established after none was, or at first;
 * {@link #peerUnreachable} when it fails after it was reachable, or at its first failure. Calls may
 * come from any of the transport's threads, but never two at once for one peer.
 *
 * <p><b>Rules for implementations.</b> Every method returns quickly, never blocks and never throws
 * ({@link #messagesDropped} may be called once per dropped message under overload).
 */
public interface PeerObserver {

  /**
   * A connection to {@code peer} is established.
   *
   * @param peer the peer's node id
   */
  default void peerReachable(int peer) {}

  /**
   * {@code peer} cannot be reached; {@code why} says what failed, in a few words.
   *
   * @param peer the peer's node id
   * @param why what failed, for a log line
   */
  default void peerUnreachable(int peer, String why) {}

  /**
   * {@code count} messages to {@code peer} were dropped (queue full, or lost with the stream).
   *
   * @param peer the peer's node id
   * @param count how many, at least 1
   */
  default void messagesDropped(int peer, long count) {}
}
