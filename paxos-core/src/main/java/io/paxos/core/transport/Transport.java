package io.paxos.core.transport;

import io.paxos.core.protocol.PeerMessage;
import java.util.function.Consumer;

/**
 * Carries messages between the nodes of a cluster: {@link PeerMessage}s, which are the protocol's
 * {@link io.paxos.core.protocol.Message}s and the messages hosts exchange beside it ({@link
 * io.paxos.core.host.HostMessage}: results, snapshot transfers). A transport treats both alike.
 *
 * <p><b>Rules for implementations.</b>
 *
 * <ul>
 *   <li>{@link #send} never throws and never blocks: a message that cannot be sent is dropped (and
 *       counted), since the protocol retransmits what matters. Delivery is at most once per send,
 *       in any order; duplicates are tolerated by the protocol but should be rare.
 *   <li>The inbound handler given to {@link #start} is called for every message received, from any
 *       thread; it is non-blocking and must not be called after {@link #close()} returns. The node
 *       checks every message it receives against its bounds ({@link
 *       io.paxos.core.host.PeerMessageBounds}); a transport may check the absolute ones ({@link
 *       io.paxos.core.host.PeerMessageBounds#malformed}) first, to drop a hostile peer's stream.
 *   <li>{@link #flush()} is a hint that a batch of sends is complete; a transport that batches
 *       writes sends them now.
 * </ul>
 *
 * <p>The runtime calls {@link #send} and {@link #flush} from the node's event-loop thread only.
 *
 * <p><b>An implementer SPI, coupled to the library's version.</b> {@link PeerMessage} and the
 * messages it stands for are types of internal packages ({@code io.paxos.core.protocol}, {@code
 * io.paxos.core.host}): a transport carries them without looking inside (paxos-grpc's encodes them
 * in one codec class), but it is compiled against them, so it may need changes with any release of
 * the library and must be built against the version it runs with. Applications that only pick a
 * transport ({@code GrpcTransport}, {@link InMemoryNetwork}) are not affected. (This is the one
 * deliberate exception, with {@link io.paxos.core.storage.Storage}, to the rule that API signatures
 * carry no internal type; see {@code docs/api-surface.md}.)
 */
public interface Transport extends AutoCloseable {

  /**
   * Report peer reachability and dropped messages to {@code observer} from now on. The runtime
   * calls it once, before {@link #start}. A transport that knows nothing of its peers' state keeps
   * this default, which reports nothing.
   *
   * @param observer told of peers becoming reachable or unreachable and of dropped messages, from
   *     the transport's threads
   */
  default void observe(PeerObserver observer) {}

  /**
   * {@return the address of each member this transport knows (its own included, if known), for
   * operators' logs; empty by default}
   */
  default java.util.Map<Integer, String> memberAddresses() {
    return java.util.Map.of();
  }

  /**
   * The node moved to membership epoch {@code epoch}, whose members and quorums are {@code config}
   * (docs/membership.md). A transport that reaches peers by address opens connections to members
   * new in {@code config} (where {@link io.paxos.core.config.Member#address()} names one, it is the
   * member's address) and, once what is queued for them has had a chance to leave, closes those to
   * nodes no longer members; a transport that authenticates peers against the membership follows it
   * from now on. Messages to a node that is not a member may still be sent (a removed node is sent
   * the ended epoch's last commit point, and catch-up replies): a transport delivers them if it
   * still reaches the node, and drops them otherwise, like any message.
   *
   * <p>The runtime calls it on its event-loop thread, in epoch order, each time the node moves to a
   * new epoch (also at start, when the node resumes in an epoch other than its cluster file's),
   * before it sends any message of that epoch. It must not block and must not throw: it only
   * records the change and hands any connecting and closing to the transport's own threads. It may
   * be called before {@link #start} and is ignored after {@link #close()}. The default ignores it,
   * as transports that reach every node without addresses do (in-memory ones).
   *
   * @param config the configuration of epoch {@code epoch}; its cluster id is the node's
   * @param epoch the node's new epoch, from 0; a transport ignores a call with an epoch below the
   *     last one it was given
   */
  default void membershipChanged(io.paxos.core.config.ClusterConfig config, int epoch) {}

  /**
   * {@return the largest message, in bytes of {@code io.paxos.core.protocol.MessageBytes}' bound,
   * that this transport delivers to its peers (a larger one is dropped, or refused by the receiving
   * peer)} The node refuses to start with a {@link
   * io.paxos.core.config.ProtocolOptions#maxMessageBytes()} above it. Unlimited by default, for
   * transports that carry any message (in-memory ones).
   */
  default int maxMessageBytes() {
    return Integer.MAX_VALUE;
  }

  /**
   * Begin receiving: every message addressed to this node goes to {@code inbound}.
   *
   * @param inbound takes each message received, on any of the transport's threads; never blocks
   */
  void start(Consumer<PeerMessage> inbound);

  /**
   * Send {@code message} to node {@code to}; never throws, never blocks.
   *
   * @param to the id of the peer (a member of the cluster other than this node)
   * @param message the message; immutable, so it may be sent as is or encoded later
   */
  void send(int to, PeerMessage message);

  /** The sends of a batch are complete. */
  default void flush() {}

  /** Stop sending and receiving; idempotent. */
  @Override
  void close();
}
