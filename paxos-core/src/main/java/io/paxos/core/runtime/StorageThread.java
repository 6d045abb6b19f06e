package io.paxos.core.runtime;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.storage.Storage;
import io.paxos.core.storage.StorageException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * A {@link StorageWriter} with threads of its own, for a storage whose {@link Storage#sync()} waits
 * for a disk: a group commit whose forces may overlap. With one thread (the default {@link
 * Storage#forcesInFlight()}), it writes a group, forces it, and takes the writes queued meanwhile
 * as the next group.
 *
 * <p>{@link Storage#forcesInFlight()} storage threads take turns. The one whose turn it is takes
 * every write queued so far (waiting for one if there is none), makes them in order and, if any
 * asked for a sync, starts one ({@link Storage#startSync()}); then it hands the turn on and awaits
 * that force itself, while the next thread takes the writes queued meanwhile and starts their
 * force. So a group is written, and its force started, as soon as a thread is free, not only once
 * the force before it returned: its votes wait about one force, not the rest of the previous one
 * and then their own. While every thread awaits a force, the writes queued meanwhile form the next
 * group. No hand-off lies between a group's write and its force: the thread that wrote it forces
 * it.
 *
 * <p>Each group is reported done (its ticket and every earlier one) the moment its force returns
 * and every earlier group is done, in ticket order whatever order the forces return in, and the
 * event loop is woken to release its votes. A group that asks for no sync is done once the groups
 * before it are.
 *
 * <p>The storage sees one thread at a time: the writes and {@code startSync} are made under the
 * turn (a lock), in order; only the forces run concurrently, as {@link Storage.Force} allows.
 *
 * <p>A write or force that fails stops this writer for good: nothing after it is reported done, so
 * the event loop never releases what depended on it, and the node is told through {@code
 * onFailure}.
 */
final class StorageThread implements StorageWriter {
  private static final int MAX_WRITES_PER_SYNC = 4096;

  private record Job(Consumer<Storage> writes, boolean sync) {}

  /** A group whose force runs or returned early: done through {@code ticket} once forced. */
  private static final class Group {
    long ticket;
    boolean forced;

    Group(long ticket) {
      this.ticket = ticket;
    }
  }

  private final Storage storage;
  private final Runnable onDone;
  private final NodeObserver observer;
  private final Consumer<Throwable> onFailure;
  private final Thread[] threads;
  private final ParkingQueue<Job> queue = new ParkingQueue<>();
  // The turn to write: held while a thread waits for writes, makes them and starts their sync.
  private final ReentrantLock turn = new ReentrantLock();
  // Groups whose force runs, or returned before an earlier one's, oldest first; guarded by itself.
  private final ArrayDeque<Group> inFlight = new ArrayDeque<>();
  private volatile long done;
  private volatile boolean running = true;
  private volatile boolean finish = true;
  private volatile Throwable failure;
  private long submitted; // the event loop's count of jobs queued
  private long written; // under the turn: the ticket of the last write made
  private boolean unsynced; // under the turn: something was written since the last sync
  private int exited; // under the turn: threads that left their loop

  /**
   * @param onDone called after each group is done (wakes the event loop), on the storage thread
   *     that completed it
   * @param onFailure called with the error if a write or force fails
   * @param observer told how long each force took
   */
  StorageThread(
      int nodeId,
      Storage storage,
      Runnable onDone,
      Consumer<Throwable> onFailure,
      NodeObserver observer) {
    this.storage = storage;
    this.observer = observer;
    this.onDone = onDone;
    this.onFailure = onFailure;
    this.threads = new Thread[Math.max(1, storage.forcesInFlight())];
    for (int i = 0; i < threads.length; i++) {
      threads[i] = new Thread(this::run, "paxos-storage-" + nodeId + (i == 0 ? "" : "-" + i));
      threads[i].setDaemon(true);
    }
  }

  @Override
  public void start() {
    for (Thread t : threads) {
      t.start();
    }
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    Throwable failed = failure;
    if (failed != null) {
      throw new StorageException("the storage failed earlier: " + failed, failed);
    }
    queue.add(new Job(writes, sync));
    return ++submitted;
  }

  @Override
  public long done() {
    return done;
  }

  @Override
  public boolean atOnce() {
    return false;
  }

  @Override
  public void close(boolean finish) {
    this.finish = finish;
    running = false;
    for (Thread t : threads) {
      LockSupport.unpark(t); // if it has not parked yet, its next park returns at once
    }
    for (Thread t : threads) {
      if (t.isAlive() && t != Thread.currentThread()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private void run() {
    try {
      while (failure == null) {
        Storage.Force force;
        Group group;
        turn.lock();
        try {
          Job first = nextJob();
          if (first == null) {
            break;
          }
          group = writeGroup(first);
          force = group == null ? null : storage.startSync();
        } finally {
          turn.unlock();
        }
        if (force != null) {
          long start = System.nanoTime();
          force.await();
          observer.synced(System.nanoTime() - start);
          forced(group);
        }
      }
      turn.lock();
      try {
        // The last thread out makes a clean stop leave nothing it wrote only in memory.
        if (++exited == threads.length && finish && unsynced && failure == null) {
          storage.sync();
        }
      } finally {
        turn.unlock();
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /** The next job, waiting for one; null once stopped (or failed) with nothing more to write. */
  private Job nextJob() {
    while (failure == null) {
      Job job = queue.poll();
      if (job != null) {
        return running || finish ? job : null;
      }
      if (!running) {
        return null;
      }
      queue.await(0);
    }
    return null;
  }

  /**
   * Make {@code first} and the writes queued after it; returns the group to force if any asked for
   * a sync, else null (the writes are done once the groups before them are).
   */
  private Group writeGroup(Job first) {
    long count = 0;
    boolean sync = false;
    Job job = first;
    do {
      job.writes().accept(storage);
      sync |= job.sync();
      count++;
    } while (count < MAX_WRITES_PER_SYNC && (job = queue.poll()) != null);
    written += count;
    if (sync) {
      unsynced = false;
      Group group = new Group(written);
      synchronized (inFlight) {
        inFlight.add(group);
      }
      return group;
    }
    unsynced = true;
    synchronized (inFlight) {
      Group last = inFlight.peekLast();
      if (last != null) {
        last.ticket = written; // done with the group before it, which is not done yet
        return null;
      }
      done = written;
    }
    onDone.run();
    return null;
  }

  /** {@code group}'s force returned: report done every group through the last one forced. */
  private void forced(Group group) {
    boolean advanced = false;
    synchronized (inFlight) {
      group.forced = true;
      Group g;
      while ((g = inFlight.peek()) != null && g.forced) {
        inFlight.poll();
        done = g.ticket;
        advanced = true;
      }
    }
    if (advanced) {
      onDone.run();
    }
  }

  private void fail(Throwable e) {
    synchronized (inFlight) {
      if (failure != null) {
        return;
      }
      failure = e;
    }
    onFailure.accept(e);
    queue.wake(); // the thread waiting for writes sees the failure
  }
}
