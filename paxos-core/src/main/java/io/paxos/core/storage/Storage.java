package io.paxos.core.storage;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;

/**
 * Durable state of one node: the acceptor's promise and accepted values, the proposer's highest
 * round, and the log of chosen values.
 *
 * <p><b>Contract.</b> Writes are buffered until {@link #sync()}, which makes every write before it
 * durable or throws. After a crash, {@link #load()} returns the state as of the last successful
 * sync, possibly with some of the writes made after it: nothing unsynced was acknowledged, so the
 * node must be safe either way. ({@link FileStorage} keeps a prefix of them in the order they were
 * made; {@link InMemoryStorage#crash(int)} models exactly that.) A failed sync leaves the storage
 * unusable: the caller must stop the node (the OS may have dropped the dirty pages, so a retry
 * proves nothing).
 *
 * <p><b>Threading.</b> One thread at a time makes every call, in order; implementations need not be
 * thread-safe. That is the node's event-loop thread, or, for a storage whose {@link
 * #blockingSync()} is true, after {@link #load()} the node's storage thread, which carries out the
 * event loop's writes and syncs them in groups while the event loop goes on. {@link #sync()} may
 * block (it is the group commit of a batch of inputs).
 *
 * <p><b>An implementer SPI, coupled to the library's version.</b> Its signatures carry types of the
 * internal package {@code io.paxos.core.protocol} ({@code DurableState}, {@code Ballot}, {@code
 * AcceptedEntry}, {@code Value}): an implementation stores and returns them without looking inside,
 * but it is compiled against them, so it may need changes with any release of the library, and a
 * storage must be built against the version it runs with. Applications that only pick a storage
 * ({@link FileStorage}, {@link InMemoryStorage}) are not affected. (This is the one deliberate
 * exception, with {@link io.paxos.core.transport.Transport}, to the rule that API signatures carry
 * no internal type; see {@code docs/api-surface.md}.)
 */
public interface Storage extends AutoCloseable {

  /** {@return what was durable when this storage was opened} */
  DurableState load();

  /**
   * {@return whether this storage was marked ({@link #markBootstrapped()}) as the storage of a
   * voting member, when its node bootstrapped a new cluster} A storage that is empty, or that a
   * node ran on as a learner only after losing its state, is not: an acceptor on it would have
   * forgotten its promises and votes, so the node must not vote (see {@link
   * io.paxos.core.config.Bootstrap}).
   */
  boolean bootstrapped();

  /**
   * Mark this storage as the storage of a voting member, durably before returning (it survives a
   * crash right after). Called once, by a node bootstrapping a new cluster on an empty storage.
   *
   * @throws StorageException if the mark cannot be made durable
   */
  void markBootstrapped();

  /**
   * Record the acceptor's promise: it answers no ballot below {@code promised} from now on,
   * including after a restart, once the next {@link #sync()} returns.
   *
   * @param promised the highest ballot promised so far; never lower than the one saved before
   */
  void savePromise(Ballot promised);

  /**
   * Record the highest ballot round this node has used or seen, so that after a restart it never
   * proposes with a round it used before.
   *
   * @param round the round, at least the one saved before
   */
  void saveRound(long round);

  /**
   * Record the acceptor's vote for a value in a slot; {@link #load()} returns the latest entry of
   * each slot not yet compacted. Durable after the next {@link #sync()}.
   *
   * @param entry the slot, ballot and value voted for
   */
  void saveAccepted(AcceptedEntry entry);

  /**
   * Record that {@code slot} chose {@code value}; slots are appended in order without gaps, from
   * the slot after the last one appended, recovered or compacted.
   *
   * @param slot the slot, one past the last one appended
   * @param value the value chosen in it
   */
  void appendChosen(long slot, Value value);

  /**
   * Compact the state through {@code snapshotSlot}: every slot up to and including it is chosen and
   * covered by a durable snapshot (see below). The chosen values and accepted entries of those
   * slots may be dropped (a file log deletes old segments), and the chosen log continues at {@code
   * snapshotSlot + 1} if it ended before it (a snapshot installed from a peer). Like every write,
   * it is durable after the next {@link #sync()}; from then on {@link #load()} after a restart
   * returns a state with {@link DurableState#compactedThrough()} at least {@code snapshotSlot}. A
   * slot below the compaction point is ignored.
   *
   * <p>The caller guarantees the invariant that makes this safe: the slots are chosen (an acceptor
   * never forgets a slot that might still be decided otherwise) and covered by a durable snapshot:
   * this node's own, or, on a node that hosts an acceptor but no learner, the snapshots of a
   * majority of the learners (an outbox's compaction), so its {@link #snapshots()} may be empty.
   *
   * @param snapshotSlot the last slot covered by the snapshot; at most the last chosen slot
   */
  void compact(long snapshotSlot);

  /**
   * {@return where this node's snapshots are kept; they survive a restart as this storage's log
   * does}
   */
  SnapshotStore snapshots();

  /**
   * Make every write so far durable.
   *
   * @throws StorageException if that fails; the storage may not be used again
   */
  void sync();

  /**
   * Start a sync and return its wait: every write so far is handed to the device now, and {@link
   * Force#await()} returns once they are durable. Unlike the rest of this interface, the force may
   * be awaited on another thread, while the storage's thread goes on making writes and starting
   * further syncs: a storage thread overlaps one group's force with the next group's writes and
   * force, instead of writing the next group only after the previous force returned. What was
   * written before this call is durable when its force returns, as after {@link #sync()}; nothing
   * is promised about later writes. The default syncs at once and returns a force that is done.
   *
   * @return the force to await
   * @throws StorageException if the writes cannot be handed to the device; the storage may not be
   *     used again
   */
  default Force startSync() {
    sync();
    return Force.DONE;
  }

  /**
   * {@return how many forces of {@link #startSync()} the node's storage threads may run at once}
   * With more than 1, the next group is written and its force started while earlier forces run;
   * that halves the wait of a write behind a force, and costs a force (and a wake-up of the event
   * loop) per group, so more forces and smaller groups. The default is 1.
   */
  default int forcesInFlight() {
    return 1;
  }

  /** The waiting half of a sync begun by {@link #startSync()}. */
  @FunctionalInterface
  interface Force {
    /** A force with nothing left to wait for. */
    Force DONE = () -> {};

    /**
     * Wait until the writes made before {@link #startSync()} are durable. Any thread may call it,
     * once, concurrently with the storage's own thread and with other forces.
     *
     * @throws StorageException if that fails; the storage may not be used again
     */
    void await();
  }

  @Override
  void close();

  /** {@return where this storage keeps its state, for operators' logs: a directory, or "memory"} */
  default String location() {
    return "memory";
  }

  /**
   * {@return the bytes the durable log takes now (0 if nothing is kept on disk)} May be called from
   * any thread, concurrently with the writer; never throws.
   */
  default long logBytes() {
    return 0;
  }

  /**
   * {@return whether {@link #sync()} waits for a device (a disk's force) rather than returning at
   * once} The node then writes and syncs on a thread of its own, so that its event loop keeps
   * taking messages during a force; otherwise the event loop calls the storage itself, which saves
   * a thread hand-off per batch. Either way nothing that depends on a write leaves the node before
   * it is synced.
   */
  default boolean blockingSync() {
    return false;
  }
}
