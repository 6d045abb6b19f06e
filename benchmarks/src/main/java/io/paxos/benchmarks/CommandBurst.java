package io.paxos.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * A fixed set of W1 writes submitted all at once, for the cluster benchmarks: one invocation keeps
 * {@link #SIZE} commands in flight, so that the leader can batch and pipeline them, and returns
 * once every one is applied.
 */
final class CommandBurst {
  static final int SIZE = 1024;

  private final byte[][] commands = new byte[SIZE][];

  CommandBurst(int payloadBytes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    byte[] value = new byte[payloadBytes];
    random.nextBytes(value);
    for (int i = 0; i < SIZE; i++) {
      commands[i] = Workload.put(random, value);
    }
  }

  /**
   * Submit every command to {@code target} and wait for all of them.
   *
   * @return the number of results (always {@link #SIZE}; a failed command throws)
   */
  int submitAndAwait(W1Target target) {
    @SuppressWarnings("unchecked")
    CompletableFuture<byte[]>[] results = new CompletableFuture[SIZE];
    for (int i = 0; i < SIZE; i++) {
      results[i] = target.submit(i, commands[i]);
    }
    int done = 0;
    for (CompletableFuture<byte[]> r : results) {
      if (r.join() != null) {
        done++;
      }
    }
    return done;
  }
}
