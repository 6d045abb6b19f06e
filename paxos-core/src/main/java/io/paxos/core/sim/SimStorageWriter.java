package io.paxos.core.sim;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The storage thread of a simulated node, driven as simulated events: the node's {@link
 * io.paxos.core.host.OutboxCarrier} queues writes here exactly as the runtime's event loop queues
 * them with its storage thread; the simulator then makes the queued writes in one group ({@link
 * #writeQueued()}, a {@code STORAGE_WRITE} event) and, if any asked for a sync, completes the force
 * later ({@link #forced()}, a {@code STORAGE_FORCE} event). Meanwhile the node goes on taking
 * messages and queuing batches, so several batches are in flight, and a crash between the write and
 * the force loses the unsynced writes by the storage's crash model and every write still queued.
 *
 * <p>{@code reportsBeforeForce} makes it a broken writer that reports every write done as soon as
 * it is queued: the carrier then sends votes before they are durable, which the simulator's
 * checkers must catch (see {@code MutantTest}).
 *
 * <p>Not thread-safe, like the rest of the simulator.
 */
final class SimStorageWriter implements StorageWriter {
  private record Job(Consumer<Storage> writes, boolean sync) {}

  private final InMemoryStorage storage;
  private final Runnable wake;
  private final boolean reportsBeforeForce;
  private final ArrayDeque<Job> queued = new ArrayDeque<>();
  private long submitted; // tickets handed out
  private long written; // the ticket of the last write made
  private long done;
  private boolean awake; // a group is being written or forced, or a write event is due

  /**
   * @param wake schedules a {@code STORAGE_WRITE} event for this node (the thread wakes up)
   */
  SimStorageWriter(InMemoryStorage storage, Runnable wake, boolean reportsBeforeForce) {
    this.storage = storage;
    this.wake = wake;
    this.reportsBeforeForce = reportsBeforeForce;
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    queued.add(new Job(writes, sync));
    submitted++;
    if (reportsBeforeForce) {
      done = submitted;
    }
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
    // A simulated node stops only by crashing: what is queued is lost with it.
  }

  /**
   * Make every queued write, in order, without syncing.
   *
   * @return whether any of them asked for a sync (then {@link #forced()} completes the group); if
   *     not, they are done now
   */
  boolean writeQueued() {
    boolean sync = false;
    Job job;
    while ((job = queued.poll()) != null) {
      job.writes().accept(storage);
      sync |= job.sync();
      written++;
    }
    if (!sync) {
      done = Math.max(done, written);
      awake = !queued.isEmpty();
    }
    return sync;
  }

  /** The force of the group written last completed: it is durable and done. */
  void forced() {
    storage.sync();
    done = Math.max(done, written);
    awake = !queued.isEmpty();
  }

  /** Whether writes wait in the queue for the next group (then a write event is due). */
  boolean hasQueued() {
    return !queued.isEmpty();
  }
}
