package io.paxos.grpc.client;

import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's one thread: runs tasks handed to it from any thread, timers, and after each burst of
 * tasks the {@code afterBurst} hook (which sends what the burst queued, so that many calls made at
 * once travel in one frame).
 *
 * <p>{@link #execute} and {@link #stop} may be called from any thread; everything else, and every
 * task, runs on the loop thread.
 */
final class ClientLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(ClientLoop.class);
  private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private record Timer(long atNanos, long order, Runnable task) {}

  private final ConcurrentLinkedQueue<Runnable> inbox = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          (a, b) ->
              a.atNanos != b.atNanos
                  ? Long.compare(a.atNanos - b.atNanos, 0)
                  : Long.compare(a.order, b.order));
  private final Runnable afterBurst;
  private final Thread thread;
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean running = true;
  private volatile boolean parked;
  private long timerOrder;

  ClientLoop(String name, Runnable afterBurst) {
    this.afterBurst = afterBurst;
    this.thread = new Thread(this, name);
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  boolean inLoop() {
    return Thread.currentThread() == thread;
  }

  /** Run {@code task} on the loop thread. Any thread. */
  void execute(Runnable task) {
    inbox.add(task);
    if (parked) {
      LockSupport.unpark(thread);
    }
  }

  /** Run {@code task} on the loop thread in {@code delayNanos}. Loop thread only. */
  void schedule(long delayNanos, Runnable task) {
    timers.add(new Timer(System.nanoTime() + delayNanos, timerOrder++, task));
  }

  /** Stop after the tasks queued so far; waits for the thread unless called on it. */
  void stop() {
    running = false;
    LockSupport.unpark(thread);
    if (!inLoop()) {
      try {
        stopped.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void run() {
    try {
      while (running) {
        int ran = runTasks();
        long next = runTimers();
        afterBurst.run();
        if (ran == 0) {
          park(next);
        }
      }
      runTasks(); // the closing tasks
    } catch (RuntimeException | Error e) {
      log.error("the PaxosClient thread failed; the client stops working", e);
    } finally {
      stopped.countDown();
    }
  }

  private int runTasks() {
    int ran = 0;
    Runnable task;
    while (ran < 4096 && (task = inbox.poll()) != null) {
      task.run();
      ran++;
    }
    return ran;
  }

  /** Run due timers; returns the nanos until the next one (or the longest park). */
  private long runTimers() {
    long now = System.nanoTime();
    Timer t;
    while ((t = timers.peek()) != null && t.atNanos - now <= 0) {
      timers.poll();
      t.task.run();
    }
    return t == null ? MAX_PARK_NANOS : Math.min(MAX_PARK_NANOS, t.atNanos - now);
  }

  private void park(long nanos) {
    parked = true;
    if (inbox.isEmpty() && running) {
      LockSupport.parkNanos(this, Math.max(1, nanos));
    }
    parked = false;
  }
}
