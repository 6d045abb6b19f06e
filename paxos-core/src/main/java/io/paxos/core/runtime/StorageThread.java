package io.paxos.core.runtime;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.storage.Storage;
import io.paxos.core.storage.StorageException;
import java.util.ArrayDeque;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A {@link StorageWriter} with threads of its own, for a storage whose {@link Storage#sync()} waits
 * for a disk: a group commit whose forces overlap.
 *
 * <p>The writing thread takes every write queued so far, makes them in order and, if any asked for
 * a sync, starts one ({@link Storage#startSync()}) and hands its force to a forcing thread; then it
 * goes straight on to the writes queued meanwhile. Up to {@link StorageWriter#FORCES_IN_FLIGHT}
 * forces run at once, each on a forcing thread of its own; while that many run, the writing thread
 * waits for one to return, and the writes queued meanwhile form the next group. So a group is
 * written, and its force started, as soon as a forcing thread is free, not only once the force
 * before it returned: its votes wait about one force, not the rest of the previous one and then its
 * own.
 *
 * <p>Each group is reported done (its ticket and every earlier one) the moment its force returns
 * and every earlier group is done, in ticket order whatever order the forces return in, and the
 * event loop is woken to release its votes. A group that asks for no sync is done once the groups
 * before it are.
 *
 * <p>A write or force that fails stops this writer for good: nothing after it is reported done, so
 * the event loop never releases what depended on it, and the node is told through {@code
 * onFailure}.
 */
final class StorageThread implements StorageWriter, Runnable {
  private static final int MAX_WRITES_PER_SYNC = 4096;

  private record Job(Consumer<Storage> writes, boolean sync) {}

  /** A group whose force runs or waits to be reported: done through {@code ticket} once it ran. */
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
  private final Thread thread;
  private final Forcer[] forcers = new Forcer[FORCES_IN_FLIGHT];
  private final ParkingQueue<Job> queue = new ParkingQueue<>();
  // Groups whose force runs or returned out of order, oldest first; guarded by itself.
  private final ArrayDeque<Group> inFlight = new ArrayDeque<>();
  private volatile long done;
  private volatile boolean running = true;
  private volatile boolean finish = true;
  private volatile Throwable failure;
  private long submitted; // the event loop's count of jobs queued
  private long written; // the writing thread's: the ticket of the last write made
  private boolean unsynced; // the writing thread's: something was written since the last sync

  /**
   * @param onDone called after each group is done (wakes the event loop), on the thread that
   *     completed it
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
    this.thread = new Thread(this, "paxos-storage-" + nodeId);
    thread.setDaemon(true);
    for (int i = 0; i < forcers.length; i++) {
      forcers[i] = new Forcer("paxos-force-" + nodeId + "-" + i);
    }
  }

  @Override
  public void start() {
    for (Forcer f : forcers) {
      f.thread.start();
    }
    thread.start();
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
    LockSupport.unpark(thread); // if it has not parked yet, its next park returns at once
    join(thread);
    for (Forcer f : forcers) {
      f.stop();
    }
  }

  private static void join(Thread t) {
    if (t.isAlive() && t != Thread.currentThread()) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void run() {
    try {
      while (failure == null) {
        Job job = queue.poll();
        if (job == null) {
          if (!running) {
            break;
          }
          queue.await(0);
          continue;
        }
        if (!running && !finish) {
          return;
        }
        writeGroup(job);
      }
      if (finish && failure == null) {
        for (Forcer f : forcers) {
          f.idle(); // the forces of what was written return first
        }
        if (unsynced && failure == null) {
          storage.sync(); // a clean stop leaves nothing it wrote only in memory
        }
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    }
  }

  /**
   * Make {@code first} and the writes queued after it; if any asks for a sync, start one and hand
   * its force to a free forcing thread, waiting for one if all are busy (the writes queued
   * meanwhile join the group).
   */
  private void writeGroup(Job first) {
    long count = 0;
    boolean sync = false;
    Job job = first;
    do {
      job.writes().accept(storage);
      sync |= job.sync();
      count++;
    } while (count < MAX_WRITES_PER_SYNC && (job = queue.poll()) != null);
    Forcer forcer = null;
    if (sync) {
      forcer = freeForcer();
      if (forcer == null) {
        return; // a force failed meanwhile: nothing more is done
      }
      while (count < MAX_WRITES_PER_SYNC && (job = queue.poll()) != null) {
        job.writes().accept(storage);
        count++;
      }
    }
    written += count;
    if (!sync) {
      unsynced = true;
      synchronized (inFlight) {
        Group last = inFlight.peekLast();
        if (last != null) {
          last.ticket = written; // done with the group before it, which is not done yet
          return;
        }
        done = written;
      }
      onDone.run();
      return;
    }
    Storage.Force force = storage.startSync();
    unsynced = false;
    Group group = new Group(written);
    synchronized (inFlight) {
      inFlight.add(group);
    }
    forcer.hand(group, force);
  }

  /** A forcing thread with nothing to do, waiting for one if all are busy; null after a failure. */
  private Forcer freeForcer() {
    while (failure == null) {
      for (Forcer f : forcers) {
        if (f.free()) {
          return f;
        }
      }
      queue.await(0); // a returning force wakes this thread (as a write does)
    }
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
    queue.wake(); // a forcing thread is free
    if (advanced) {
      onDone.run();
    }
  }

  private void fail(Throwable e) {
    if (failure == null) {
      failure = e;
      onFailure.accept(e);
    }
    queue.wake();
  }

  /** A thread that awaits one force at a time. */
  private final class Forcer implements Runnable {
    final Thread thread;
    private final ParkingQueue<Runnable> work = new ParkingQueue<>();
    private volatile boolean busy;
    private volatile boolean stopped;

    Forcer(String name) {
      thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    boolean free() {
      return !busy;
    }

    void hand(Group group, Storage.Force force) {
      busy = true;
      work.add(
          () -> {
            long start = System.nanoTime();
            force.await();
            observer.synced(System.nanoTime() - start);
            busy = false;
            forced(group);
          });
    }

    /** Wait until the force handed last returned (or this thread stopped). */
    void idle() {
      while (busy && !stopped && failure == null) {
        queue.await(1_000_000L);
      }
    }

    void stop() {
      stopped = true;
      LockSupport.unpark(thread); // if it has not parked yet, its next park returns at once
      join(thread);
    }

    @Override
    public void run() {
      while (true) {
        Runnable r = work.poll();
        if (r == null) {
          if (stopped) {
            return;
          }
          work.await(0);
          continue;
        }
        try {
          r.run();
        } catch (RuntimeException | Error e) {
          busy = false;
          fail(e);
          return;
        }
      }
    }
  }
}
