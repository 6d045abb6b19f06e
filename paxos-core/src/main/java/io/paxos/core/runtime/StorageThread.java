package io.paxos.core.runtime;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.storage.Storage;
import io.paxos.core.storage.StorageException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A {@link StorageWriter} with a thread of its own, for a storage whose {@link Storage#sync()}
 * waits for a disk: each turn it takes every write queued so far, makes them in order and syncs
 * them once (if any asked for a sync), then reports them done and wakes the event loop. While it
 * forces one group, the event loop goes on (it takes acknowledgements, learns chosen values, queues
 * the next batches), and the next force covers every batch that came in meanwhile.
 *
 * <p>A write that fails stops this thread for good: nothing after it is reported done, so the event
 * loop never releases what depended on it, and the node is told through {@code onFailure}.
 */
final class StorageThread implements StorageWriter, Runnable {
  private static final int MAX_WRITES_PER_SYNC = 4096;

  private record Job(Consumer<Storage> writes, boolean sync) {}

  private final Storage storage;
  private final Runnable onDone;
  private final NodeObserver observer;
  private final Consumer<Throwable> onFailure;
  private final Thread thread;
  private final ParkingQueue<Job> queue = new ParkingQueue<>();
  private volatile long done;
  private volatile boolean running = true;
  private volatile boolean finish = true;
  private volatile Throwable failure;
  private long submitted; // the event loop's count of jobs queued
  private boolean unsynced; // this thread's: something was written since the last sync

  /**
   * @param onDone called on this thread after each group is done (wakes the event loop)
   * @param onFailure called on this thread with the error if a write or sync fails
   * @param observer told how long each sync took
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
  }

  @Override
  public void start() {
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
    if (thread.isAlive() && thread != Thread.currentThread()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
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
      if (finish && unsynced) {
        storage.sync(); // a clean stop leaves nothing it wrote only in memory
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      onFailure.accept(e);
    }
  }

  /** Make {@code first} and the writes queued after it, sync once if any asks, report them done. */
  private void writeGroup(Job first) {
    long count = 0;
    boolean sync = false;
    Job job = first;
    do {
      job.writes().accept(storage);
      sync |= job.sync();
      count++;
    } while (count < MAX_WRITES_PER_SYNC && (job = queue.poll()) != null);
    if (sync) {
      long start = System.nanoTime();
      storage.sync();
      observer.synced(System.nanoTime() - start);
      unsynced = false;
    } else {
      unsynced = true;
    }
    done += count; // this thread is the only one that writes it
    onDone.run();
  }
}
