package io.paxos.core.runtime;

import io.paxos.core.AppliedSlot;
import io.paxos.core.Watch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A {@link Watch} reading an {@link AppliedJournal} from its own position. */
final class JournalWatch implements Watch {
  private static final Runnable NOTHING = () -> {};

  private final AppliedJournal journal;
  private volatile long next;
  private volatile boolean closed;
  private volatile Runnable listener = NOTHING;

  JournalWatch(AppliedJournal journal, long fromSlot) {
    this.journal = journal;
    this.next = fromSlot;
  }

  @Override
  public long nextSlot() {
    return next;
  }

  @Override
  public List<AppliedSlot> poll(int maxSlots) {
    checkMax(maxSlots);
    synchronized (journal) {
      return readLocked(maxSlots);
    }
  }

  @Override
  public List<AppliedSlot> take(int maxSlots, Duration timeout) throws InterruptedException {
    checkMax(maxSlots);
    long deadline = System.nanoTime() + Objects.requireNonNull(timeout, "timeout").toNanos();
    synchronized (journal) {
      while (!closed && !journal.ready(next)) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        long ms = Math.max(1, left / 1_000_000);
        journal.wait(ms);
      }
      return readLocked(maxSlots);
    }
  }

  private List<AppliedSlot> readLocked(int maxSlots) {
    if (closed) {
      throw new IllegalStateException("this watch is closed");
    }
    List<AppliedSlot> out = new ArrayList<>(Math.min(maxSlots, 64));
    next = journal.read(next, maxSlots, out);
    return out;
  }

  @Override
  public void onAvailable(Runnable listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    listener.run();
  }

  /** Slots may be available, or the watch ended: tell the listener. Apply thread. */
  void signal() {
    try {
      listener.run();
    } catch (RuntimeException e) {
      // A listener must not throw; one that does must not stop the apply thread.
    }
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      journal.forget(this);
    }
  }

  private static void checkMax(int maxSlots) {
    if (maxSlots < 1) {
      throw new IllegalArgumentException("maxSlots must be at least 1, was " + maxSlots);
    }
  }
}
