package io.paxos.core.protocol;

/**
 * A state machine's failure to apply a command, as the replicated state keeps it: the class name
 * and message of what it threw. A machine given to {@link SessionTable#apply} throws it to say that
 * the command failed; the table remembers the failure like a result, so that a retry of the command
 * fails again the same way instead of being applied. Carries no stack trace.
 */
public final class ApplyFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String exceptionClass;
  private final String exceptionMessage;

  /**
   * @param exceptionClass the class name of what the state machine threw
   * @param exceptionMessage its message; null is taken as empty
   */
  public ApplyFailure(String exceptionClass, String exceptionMessage) {
    super(exceptionClass, null, false, false);
    this.exceptionClass = exceptionClass;
    this.exceptionMessage = exceptionMessage == null ? "" : exceptionMessage;
  }

  /** The most characters of an exception's message kept (the replicated state keeps it). */
  public static final int MAX_MESSAGE_CHARS = 1000;

  /** The failure of {@code thrown}, its message cut to {@link #MAX_MESSAGE_CHARS}. */
  public static ApplyFailure of(Throwable thrown) {
    String message = thrown.getMessage();
    if (message != null && message.length() > MAX_MESSAGE_CHARS) {
      message = message.substring(0, MAX_MESSAGE_CHARS);
    }
    return new ApplyFailure(thrown.getClass().getName(), message);
  }

  public String exceptionClass() {
    return exceptionClass;
  }

  public String exceptionMessage() {
    return exceptionMessage;
  }

  /**
   * As a session's result is kept: the class name, a newline, the message, each character as two
   * bytes, big-endian (UTF-16BE, written by hand: the protocol uses no charset API).
   */
  byte[] encode() {
    String s = exceptionClass + "\n" + exceptionMessage;
    byte[] out = new byte[s.length() * 2];
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out[2 * i] = (byte) (c >>> 8);
      out[2 * i + 1] = (byte) c;
    }
    return out;
  }

  /** The failure {@link #encode} encoded. */
  static ApplyFailure decode(byte[] bytes) {
    char[] chars = new char[bytes.length / 2];
    for (int i = 0; i < chars.length; i++) {
      chars[i] = (char) (((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff));
    }
    String s = new String(chars);
    int newline = s.indexOf('\n');
    return newline < 0
        ? new ApplyFailure(s, "")
        : new ApplyFailure(s.substring(0, newline), s.substring(newline + 1));
  }
}
