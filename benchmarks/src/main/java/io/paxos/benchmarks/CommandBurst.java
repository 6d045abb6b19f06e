package io.paxos.benchmarks;

import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
   * Submit every command to {@code target} and wait until each is applied. A command that fails (no
   * leader during an election, or stuck at a deposed leader until the node's command timeout) is
   * submitted again 1 ms later, so a change of leader costs time instead of failing the run.
   *
   * @return the number of commands applied, always {@link #SIZE}
   * @throws IllegalStateException if some command still fails after a minute
   */
  int submitAndAwait(W1Target target) {
    @SuppressWarnings("unchecked")
    CompletableFuture<byte[]>[] results = new CompletableFuture[SIZE];
    for (int i = 0; i < SIZE; i++) {
      results[i] = target.submit(i, commands[i]);
    }
    long giveUp = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
    int applied = 0;
    for (int i = 0; i < SIZE; i++) {
      while (true) {
        try {
          results[i].join();
          applied++;
          break;
        } catch (CompletionException e) {
          if (System.nanoTime() - giveUp > 0) {
            throw new IllegalStateException("command " + i + " still fails after a minute", e);
          }
          LockSupport.parkNanos(1_000_000);
          results[i] = target.submit(i, commands[i]);
        }
      }
    }
    return applied;
  }
}
