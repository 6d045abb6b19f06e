package io.paxos.core.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
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
  // A producer whose adds wake nobody until it calls releaseWakeups(), and whether it added (only
  // the holder touches heldAdds; the holder's CAS orders one holder's use after the last's).
  private final AtomicReference<Thread> holder = new AtomicReference<>();
  private boolean heldAdds;

  void add(T item) {
    items.add(item);
    if (holder.get() == Thread.currentThread()) {
      heldAdds = true;
    } else {
      wakeIfSleeping();
    }
  }

  /**
   * Until {@link #releaseWakeups()}, this thread's adds do not wake the consumer: a producer about
   * to add a burst of items (the apply thread, whose completions submit the next commands) wakes it
   * once, after the burst, instead of waking it for the first item and having it take the burst in
   * pieces. One producer at a time: returns false (and holds nothing) while another holds.
   */
  boolean holdWakeups() {
    if (!holder.compareAndSet(null, Thread.currentThread())) {
      return false;
    }
    heldAdds = false;
    return true;
  }

  /**
   * End a {@link #holdWakeups()} that returned true: wake the consumer if this thread added
   * anything meanwhile.
   */
  void releaseWakeups() {
    boolean wake = heldAdds;
    heldAdds = false;
    holder.set(null);
    if (wake) {
      wakeIfSleeping();
    }
  }

  /** Run {@code adds} with this thread's wake-ups held ({@link #holdWakeups()}), if it can. */
  void holdingWakeups(Runnable adds) {
    boolean held = holdWakeups();
    try {
      adds.run();
    } finally {
      if (held) {
        releaseWakeups();
      }
    }
  }

  private void wakeIfSleeping() {
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
