package io.paxos.peers;

import java.util.concurrent.CompletableFuture;

/** A peer's 3-node cluster, running in this JVM, with the client that writes to it. */
public interface W1Cluster extends AutoCloseable {

  /**
   * Sends one write ({@link ClosedLoop#command}) for client {@code client}; the future completes
   * when the leader has applied it, or fails. Non-blocking; callable from any thread.
   */
  CompletableFuture<?> submit(int client, byte[] command);

  /** What runs and how it is configured: printed before the run as {@code #} lines. */
  String describe();
}
