package io.paxos.grpc;

/**
 * Bytes from the network that are not a valid message of the wire schema: a required field is
 * missing, a number is out of range, or an enum value is unknown. The stream that carried them is
 * closed; the node goes on.
 */
final class WireFormatException extends RuntimeException {
  WireFormatException(String message) {
    super(message);
  }

  WireFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
