package io.paxos.core.host;

import io.paxos.core.protocol.PeerMessage;

/**
 * The messages that hosts exchange beside the protocol: a command's result (or its failure)
 * returned to the node that took the command, and the chunks of a snapshot transfer. The protocol's
 * roles never see them: they travel on the same transport as the protocol's {@link
 * io.paxos.core.protocol.Message}s, and the receiving host checks them against {@link
 * PeerMessageBounds} and hands them to its apply and snapshot sides directly.
 *
 * <p>Immutable values, like the protocol's messages: the arrays inside must not be changed once the
 * message is built.
 */
public sealed interface HostMessage extends PeerMessage {

  /**
   * A node asks a peer for its snapshot covering every slot through {@code slot}, from byte {@code
   * offset} of the payload. The first chunk comes unasked, in answer to a {@link
   * io.paxos.core.protocol.Message.CatchUpRequest} that the peer can no longer serve from its log
   * because it compacted those slots ({@link io.paxos.core.protocol.Outbox#sendSnapshot}).
   */
  record SnapshotRequest(int from, long slot, long offset) implements HostMessage {}

  /**
   * The bytes {@code offset .. offset + data.length - 1} of the payload of the sender's snapshot
   * covering every slot through {@code slot}; the payload has {@code totalBytes} bytes and CRC32C
   * {@code checksum}, which the receiver checks before it installs the snapshot. The array must not
   * be changed.
   */
  record SnapshotChunk(int from, long slot, long offset, long totalBytes, int checksum, byte[] data)
      implements HostMessage {}

  /**
   * A learner's host returns the state machine's result of a command to its origin node, when that
   * node hosts no learner of its own.
   */
  record CommandResult(int from, long clientId, long sequence, long slot, byte[] result)
      implements HostMessage {}

  /**
   * A learner's host tells the origin node of a command, when that node hosts no learner of its
   * own, that the state machine failed the command in {@code slot} (under {@link
   * io.paxos.core.config.ApplyFailurePolicy#FAIL_COMMAND}): the class name and message of what it
   * threw, which the origin's caller gets as a {@link io.paxos.core.CommandFailedException}. Both
   * are at most {@link io.paxos.core.protocol.ApplyFailure#MAX_MESSAGE_CHARS} characters, and the
   * class name is not empty ({@link PeerMessageBounds}).
   */
  record CommandFailed(
      int from,
      long clientId,
      long sequence,
      long slot,
      String exceptionClass,
      String exceptionMessage)
      implements HostMessage {}
}
