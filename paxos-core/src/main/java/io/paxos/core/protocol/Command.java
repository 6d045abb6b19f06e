package io.paxos.core.protocol;

import java.util.Arrays;
import java.util.Objects;

/**
 * One client command: opaque bytes for the state machine, identified by the client that issued it
 * and that client's sequence number. The pair {@code (clientId, sequence)} is unique: the runtime
 * gives every node incarnation a random client id and numbers its commands.
 *
 * <p>The payload array is owned by the command once it is built: callers must not change it.
 *
 * @param origin the node that received the command from its caller; results go back there
 * @param clientId the issuing client
 * @param sequence the client's sequence number of this command
 * @param payload the command for the state machine
 */
public record Command(int origin, long clientId, long sequence, byte[] payload) {
  public Command {
    Objects.requireNonNull(payload, "payload");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Command c
        && origin == c.origin
        && clientId == c.clientId
        && sequence == c.sequence
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
        + ", "
        + payload.length
        + " bytes]";
  }
}
