package io.paxos.core.host;

import io.paxos.core.storage.Storage;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A storage thread whose steps its host takes one at a time: the carrier queues writes here exactly
 * as the runtime's event loop queues them with its storage thread, and the host then makes the
 * queued writes in one group and starts their force ({@link #writeQueued()}), and completes the
 * forces, oldest first, when it chooses ({@link #forced()}). As on the runtime's storage thread, a
 * group is written and its force started while up to {@link StorageWriter#FORCES_IN_FLIGHT} earlier
 * forces still run, and groups are done in order as their forces complete. Meanwhile the node goes
 * on taking messages and queuing batches, so several batches are in flight, and a crash before a
 * force completes loses its writes by the storage's crash model, with every write still queued.
 *
 * <p>The simulator plays a node's storage thread with it (a write event, then a force event some
 * simulated time later), and tests step it by hand.
 *
 * <p>Not thread-safe: the host's one thread calls every method.
 */
public final class DeferredStorageWriter implements StorageWriter {
  private record Job(Consumer<Storage> writes, boolean sync) {}

  /** A group whose force was started: done through {@code ticket} once it completes. */
  private static final class Group {
    final Storage.Force force;
    long ticket;

    Group(Storage.Force force, long ticket) {
      this.force = force;
      this.ticket = ticket;
    }
  }

  private final Storage storage;
  private final Runnable wake;
  private final ArrayDeque<Job> queued = new ArrayDeque<>();
  private final ArrayDeque<Group> forcing = new ArrayDeque<>();
  private long submitted; // tickets handed out
  private long written; // the ticket of the last write made
  private long done;
  private boolean writeDue; // the host was woken to write the queue and has not yet

  /**
   * @param storage where the writes are made
   * @param wake called when writes are queued and the thread may write them (nothing was due, and a
   *     force may start): the simulator schedules a write event
   */
  public DeferredStorageWriter(Storage storage, Runnable wake) {
    this.storage = storage;
    this.wake = wake;
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    queued.add(new Job(writes, sync));
    submitted++;
    maybeWake();
    return submitted;
  }

  private void maybeWake() {
    if (!writeDue && !queued.isEmpty() && forcing.size() < FORCES_IN_FLIGHT) {
      writeDue = true;
      wake.run();
    }
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
   * Make every queued write, in order, and start their force if any asked for a sync.
   *
   * @return whether a force was started (then a later {@link #forced()} completes it); if not, the
   *     writes are done once the groups before them are
   * @throws IllegalStateException if {@link StorageWriter#FORCES_IN_FLIGHT} forces run already (a
   *     storage thread waits for one to return before it starts another)
   */
  public boolean writeQueued() {
    if (forcing.size() >= FORCES_IN_FLIGHT) {
      throw new IllegalStateException(
          forcing.size() + " forces are running already: complete the oldest first");
    }
    writeDue = false;
    boolean sync = false;
    Job job;
    while ((job = queued.poll()) != null) {
      job.writes().accept(storage);
      sync |= job.sync();
      written++;
    }
    if (sync) {
      forcing.add(new Group(storage.startSync(), written));
    } else if (!forcing.isEmpty()) {
      forcing.peekLast().ticket = written; // done with the group before it
    } else {
      done = written;
    }
    return sync;
  }

  /**
   * The oldest running force completes: its group, and a group without a sync queued behind it, is
   * durable and done. Wakes the host if writes wait for a force to start.
   *
   * @throws IllegalStateException if no force runs
   */
  public void forced() {
    Group group = forcing.poll();
    if (group == null) {
      throw new IllegalStateException("no force is running");
    }
    group.force.await();
    done = group.ticket;
    maybeWake();
  }

  /** How many forces were started and have not completed. */
  public int forcesRunning() {
    return forcing.size();
  }

  /** Whether writes wait in the queue for the next group. */
  public boolean hasQueued() {
    return !queued.isEmpty();
  }
}
