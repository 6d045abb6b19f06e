package io.paxos.core.host;

import io.paxos.core.storage.Storage;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A storage thread whose steps its host takes one at a time: the carrier queues writes here exactly
 * as the runtime's event loop queues them with its storage thread, and the host then makes the
 * queued writes in one group ({@link #writeQueued()}) and, if any asked for a sync, completes the
 * force when it chooses ({@link #forced()}). Meanwhile the node goes on taking messages and queuing
 * batches, so several batches are in flight, and a crash between the write and the force loses the
 * unsynced writes by the storage's crash model and every write still queued.
 *
 * <p>The simulator plays a node's storage thread with it (a write event, then a force event some
 * simulated time later), and tests step it by hand.
 *
 * <p>Not thread-safe: the host's one thread calls every method.
 */
public final class DeferredStorageWriter implements StorageWriter {
  private record Job(Consumer<Storage> writes, boolean sync) {}

  private final Storage storage;
  private final Runnable wake;
  private final ArrayDeque<Job> queued = new ArrayDeque<>();
  private long submitted; // tickets handed out
  private long written; // the ticket of the last write made
  private long done;
  private boolean awake; // a group is being written or forced, or a write event is due
  private boolean forcing; // a group was written that asked for a sync, and is not forced yet

  /**
   * @param storage where the writes are made
   * @param wake called when a write is queued while nothing is: the thread has work (the simulator
   *     schedules a write event)
   */
  public DeferredStorageWriter(Storage storage, Runnable wake) {
    this.storage = storage;
    this.wake = wake;
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    queued.add(new Job(writes, sync));
    submitted++;
    if (!awake) {
      awake = true;
      wake.run();
    }
    return submitted;
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
    // Its host stops it by dropping it: what is queued is lost, as in a crash.
  }

  /**
   * Make every queued write, in order, without syncing.
   *
   * @return whether any of them asked for a sync (then {@link #forced()} completes the group); if
   *     not, they are done now
   * @throws IllegalStateException if the group written before still waits for its force (a storage
   *     thread forces one group before it takes the next)
   */
  public boolean writeQueued() {
    if (forcing) {
      throw new IllegalStateException("the group written before is not forced yet: force it first");
    }
    boolean sync = false;
    Job job;
    while ((job = queued.poll()) != null) {
      job.writes().accept(storage);
      sync |= job.sync();
      written++;
    }
    if (sync) {
      forcing = true;
    } else {
      done = Math.max(done, written);
      awake = !queued.isEmpty();
    }
    return sync;
  }

  /** The force of the group written last completed: it is durable and done. */
  public void forced() {
    forcing = false;
    storage.sync();
    done = Math.max(done, written);
    awake = !queued.isEmpty();
  }

  /** Whether writes wait in the queue for the next group (then a write event is due). */
  public boolean hasQueued() {
    return !queued.isEmpty();
  }
}
