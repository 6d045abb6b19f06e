package io.paxos.core.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A queue that any thread adds to and one thread (the consumer) takes from, parking while it is
 * empty. An add wakes the consumer only if it is parked, and only the first add of a burst does: a
 * burst of inputs costs the consumer one wake-up, and a busy consumer none (a {@code
 * LinkedBlockingQueue} takes a lock and signals a condition instead).
 *
 * <p>Threading: {@link #add} and {@link #wake} from any thread; {@link #poll}, {@link #isEmpty} and
 * {@link #await} from the consumer only.
 */
final class ParkingQueue<T> {
  private final ConcurrentLinkedQueue<T> items = new ConcurrentLinkedQueue<>();
  // Set by the consumer before it parks; the first adder to clear it unparks the consumer.
  private final AtomicBoolean sleeping = new AtomicBoolean();
  private volatile Thread consumer;

  void add(T item) {
    items.add(item);
    if (sleeping.get() && sleeping.compareAndSet(true, false)) {
      LockSupport.unpark(consumer);
    }
  }

  T poll() {
    return items.poll();
  }

  boolean isEmpty() {
    return items.isEmpty();
  }

  /**
   * Park the consumer until something is added, {@link #wake} is called or {@code nanos} pass (0:
   * no limit), unless the queue is not empty; may also return spuriously.
   */
  void await(long nanos) {
    consumer = Thread.currentThread();
    sleeping.set(true);
    if (items.isEmpty()) {
      if (nanos > 0) {
        LockSupport.parkNanos(this, nanos);
      } else {
        LockSupport.park(this);
      }
    }
    sleeping.set(false);
  }

  /** Wake the consumer if it is parked, whatever the queue holds (to make it stop, say). */
  void wake() {
    Thread t = consumer;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }
}
