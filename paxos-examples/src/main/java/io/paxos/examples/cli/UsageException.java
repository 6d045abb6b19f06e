package io.paxos.examples.cli;

/** Bad input found before anything was sent: {@code kv} prints the message and exits 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
