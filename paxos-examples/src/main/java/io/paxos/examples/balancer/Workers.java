package io.paxos.examples.balancer;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The bounded thread pools the balancer's listeners run their requests or connections on. */
final class Workers {
  private Workers() {}

  /** At most {@code max} threads, no queue: one task more is rejected at once. */
  static ThreadPoolExecutor bounded(String name, int max) {
    return new ThreadPoolExecutor(
        0,
        max,
        30,
        TimeUnit.SECONDS,
        new SynchronousQueue<>(),
        r -> {
          Thread t = new Thread(r, name);
          t.setDaemon(true);
          return t;
        });
  }
}
