package io.paxos.core.runtime;

import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.storage.SnapshotInfo;

/**
 * What other threads queue for the event loop: one sealed type, so that the loop handles every kind
 * in one exhaustive switch and nothing else can be queued.
 */
sealed interface LoopInput {

  /** A message from the network, of either kind (bounds not checked yet). */
  record Received(PeerMessage message) implements LoopInput {}

  /** A command made at this node, to propose or forward. */
  record Submit(Command command) implements LoopInput {}

  /** A read-index request made at this node. */
  record Read(long readId) implements LoopInput {}

  /** A message for a peer from the apply or snapshot thread (results, snapshot chunks). */
  record Send(int to, HostMessage message) implements LoopInput {}

  /** A snapshot this node took is durable: compact below it. */
  record SnapshotSaved(SnapshotInfo info) implements LoopInput {}

  /**
   * A snapshot received from a peer is durable and verified: install it. {@code governing} is the
   * membership it carries, of the slot after it; null if it carries none (epoch 0).
   */
  record SnapshotReceived(SnapshotInfo info, Membership governing) implements LoopInput {}

  /** The storage thread finished writes: release the batches that waited for them. */
  record Written() implements LoopInput {
    static final Written SIGNAL = new Written();
  }
}
