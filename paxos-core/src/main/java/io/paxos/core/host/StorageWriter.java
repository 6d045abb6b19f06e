package io.paxos.core.host;

import io.paxos.core.storage.Storage;
import java.util.function.Consumer;

/**
 * A node's group commit: carries out the host's writes to its {@link Storage} in the order they
 * were made, syncs them, and tells which of them are done. Every write gets a ticket, counted from
 * 1 in order; {@link #done()} is the highest ticket whose writes, and those of every ticket before
 * it, were made and, where a write asked for it, synced. The event loop holds back what depends on
 * a write (its votes) until {@link #done()} reaches the write's ticket.
 *
 * <p>Kinds: {@link #inline} carries a write out at once on the calling thread (for a storage whose
 * {@link Storage#sync()} returns at once); the runtime's storage thread carries writes out on a
 * thread of its own, so that the event loop goes on taking messages while the disk forces a batch:
 * it writes each group and starts its force ({@link Storage#startSync()}), while up to {@link
 * Storage#forcesInFlight()} earlier forces still run (1 by default: a group is written once the
 * force before it returned), a group being every batch queued while no force could start, and
 * reports the groups done in order as their forces return; the simulator's writer does the same as
 * simulated events (a write, then a force that completes later, or a crash between them), with up
 * to {@link #FORCES_IN_FLIGHT} forces running.
 *
 * <p>Only the host's thread calls {@link #write}, {@link #done()} and {@link #close}; from then on,
 * the writer makes every call to the storage (a single thread at a time, in order, as {@link
 * Storage} requires).
 */
public interface StorageWriter {

  /**
   * The most forces a writer with threads of its own overlaps: the simulator's writer always allows
   * this many, so that its seeds cover what the runtime's storage threads do with up to this many
   * ({@link Storage#forcesInFlight()}).
   */
  int FORCES_IN_FLIGHT = 2;

  /**
   * Queue {@code writes}, followed by a sync if {@code sync}; returns their ticket.
   *
   * @throws io.paxos.core.storage.StorageException if the storage failed earlier
   */
  long write(Consumer<Storage> writes, boolean sync);

  /** The highest ticket done: its writes, and those of every ticket before it, made and synced. */
  long done();

  /**
   * Whether {@link #write} carries the writes out before it returns (so they may refer to buffers
   * the caller reuses afterwards).
   */
  boolean atOnce();

  /** Start the writer's thread, if it has one. */
  default void start() {}

  /**
   * Stop. If {@code finish}, first carry out what is queued and sync whatever was written and not
   * yet synced (a clean stop leaves nothing it wrote only in memory); otherwise drop what is queued
   * (after a failure). Blocks until stopped. Idempotent.
   */
  void close(boolean finish);

  /** A writer that carries out each write at once, on the calling thread. */
  static StorageWriter inline(Storage storage) {
    return new StorageWriter() {
      private long ticket;
      private boolean unsynced;

      @Override
      public long write(Consumer<Storage> writes, boolean sync) {
        writes.accept(storage);
        if (sync) {
          storage.sync();
        }
        unsynced = !sync; // a sync covers every write before it
        return ++ticket;
      }

      @Override
      public long done() {
        return ticket;
      }

      @Override
      public boolean atOnce() {
        return true;
      }

      @Override
      public void close(boolean finish) {
        if (finish && unsynced) {
          storage.sync();
          unsynced = false;
        }
      }
    };
  }
}
