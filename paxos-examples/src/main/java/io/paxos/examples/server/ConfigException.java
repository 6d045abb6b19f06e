package io.paxos.examples.server;

/**
 * A configuration the server refuses, with one line saying which field is wrong, where its value
 * came from and what to change. The server prints the message (no stack trace) and exits with
 * status 2, before it touches its data directory.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
