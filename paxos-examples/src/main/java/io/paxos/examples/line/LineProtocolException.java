package io.paxos.examples.line;

/**
 * A request the line protocol refuses; the message is the text of the {@code ERR} reply, one line.
 */
public final class LineProtocolException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LineProtocolException(String message) {
    super(message, null, false, false);
  }
}
