package io.paxos.core.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One client command: opaque bytes for the state machine, identified by the client that issued it
 * and that client's sequence number. The pair {@code (clientId, sequence)} is unique: the runtime
 * gives every node incarnation a random client id and numbers its commands; a remote client (a
 * <em>session</em>) does the same, and may send a command again with the same pair.
 *
 * <p>The payload array is owned by the command once it is built: callers must not change it.
 *
 * @param origin the node that received the command from its caller; results go back there
 * @param clientId the issuing client
 * @param sequence the client's sequence number of this command (from 1)
 * @param acknowledgedBelow 0 for a command that is never sent twice (no deduplication); for a
 *     session's command, the lowest sequence the client has not yet seen a reply for: the client
 *     never retries anything below it, so the replicated deduplication table may forget it
 * @param payload the command for the state machine
 */
public record Command(
    int origin, long clientId, long sequence, long acknowledgedBelow, byte[] payload) {
  public Command {
    Objects.requireNonNull(payload, "payload");
  }

  /** A command that is sent once and not deduplicated. */
  public Command(int origin, long clientId, long sequence, byte[] payload) {
    this(origin, clientId, sequence, 0, payload);
  }

  /**
   * Whether this command belongs to a client session, deduplicated by {@code (clientId, sequence)}.
   */
  public boolean inSession() {
    return acknowledgedBelow > 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Command c
        && origin == c.origin
        && clientId == c.clientId
        && sequence == c.sequence
        && acknowledgedBelow == c.acknowledgedBelow
        && Arrays.equals(payload, c.payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(clientId) * 31 + Long.hashCode(sequence);
  }

  @Override
  public String toString() {
    return "Command["
        + origin
        + ":"
        + Long.toHexString(clientId)
        + "#"
        + sequence
        + (inSession() ? " acked<" + acknowledgedBelow : "")
        + ", "
        + payload.length
        + " bytes]";
  }
}
