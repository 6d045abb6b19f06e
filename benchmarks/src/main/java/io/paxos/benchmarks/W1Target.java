package io.paxos.benchmarks;

import java.util.concurrent.CompletableFuture;

/**
 * Where W1's writes go: {@link InMemoryCluster} (nodes in this JVM, called directly) or {@link
 * GrpcClients} (the client library over gRPC).
 */
interface W1Target extends AutoCloseable {

  /**
   * Submit one encoded KV command for writer {@code writer} (0 to the number of writers - 1); the
   * future completes when it is applied. Non-blocking. A target may pin each writer to one
   * connection.
   */
  CompletableFuture<byte[]> submit(int writer, byte[] command);

  /** Stop everything the target started; blocks until it stopped. */
  @Override
  void close();
}
