package io.paxos.core.storage;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * Storage in memory that models durability: writes are pending until {@link #sync()}, and {@link
 * #crash()} loses every pending write, as a power failure loses what was not fsynced. Used by
 * tests, demos, benchmarks (no disk) and the simulator. A {@link #compact} takes effect with the
 * sync after it, as in a file; its snapshots ({@link #snapshots()}) are durable once committed.
 *
 * <p><b>Partial survival.</b> {@link #crash(int)} lets a prefix of the pending writes survive
 * instead, in the order they were made, which is exactly what {@link FileStorage} can recover after
 * a real crash: each write call is one record appended to its log (in call order, whatever its
 * type: promise, round, accepted or chosen), the OS may have written any part of the unsynced tail,
 * and recovery keeps the intact records before the first missing or torn one and truncates the
 * rest. A torn record is lost like the records after it, so "k survive, the next one is torn" and
 * "k survive" recover the same state. Applying a surviving record is the same as at recovery: the
 * promise and round only go up, an accepted entry replaces the slot's earlier one, chosen values
 * extend the log.
 *
 * <p>Thread-safe (every method is synchronized), so a test may inspect it while a node runs.
 */
public final class InMemoryStorage implements Storage {
  private Ballot syncedPromise = Ballot.ZERO;
  private long syncedRound;
  private final TreeMap<Long, AcceptedEntry> syncedAccepted = new TreeMap<>();
  private final List<Value> syncedChosen = new ArrayList<>();
  private long syncedCompacted;
  private long pendingCompacted;
  private final InMemorySnapshotStore snapshots = new InMemorySnapshotStore();

  private final UnsyncedWrites pending = new UnsyncedWrites();
  private long nextChosenSlot = 1;
  private boolean bootstrapped;
  private boolean failing;
  private boolean broken;
  private long syncs;
  private int crashes; // a force started before a crash may not complete after it

  @Override
  public synchronized DurableState load() {
    return new DurableState(
        syncedPromise,
        List.copyOf(syncedAccepted.values()),
        syncedRound,
        syncedChosen,
        syncedCompacted);
  }

  /** Whether {@link #markBootstrapped()} was called; a new storage is not marked. */
  @Override
  public synchronized boolean bootstrapped() {
    return bootstrapped;
  }

  /** Durable at once (a crash keeps it), as a file written and synced before it returns. */
  @Override
  public synchronized void markBootstrapped() {
    bootstrapped = true;
  }

  @Override
  public synchronized void savePromise(Ballot promised) {
    pending.add(
        () -> {
          if (promised.isAbove(syncedPromise)) {
            syncedPromise = promised;
          }
        });
  }

  @Override
  public synchronized void saveRound(long round) {
    pending.add(() -> syncedRound = Math.max(syncedRound, round));
  }

  @Override
  public synchronized void saveAccepted(AcceptedEntry entry) {
    pending.add(
        () -> {
          if (entry.slot() > syncedCompacted) {
            syncedAccepted.put(entry.slot(), entry);
          }
        });
  }

  @Override
  public synchronized void appendChosen(long slot, Value value) {
    if (slot <= Math.max(syncedCompacted, pendingCompacted)) {
      return; // covered by the snapshot the log was compacted to
    }
    if (slot != nextChosenSlot) {
      throw new IllegalArgumentException(
          "chosen slot " + slot + " appended out of order; expected " + nextChosenSlot);
    }
    pending.add(
        () -> {
          if (slot == syncedCompacted + syncedChosen.size() + 1) {
            syncedChosen.add(value);
          }
        });
    nextChosenSlot++;
  }

  @Override
  public synchronized void compact(long snapshotSlot) {
    if (snapshotSlot <= Math.max(syncedCompacted, pendingCompacted)) {
      return;
    }
    pendingCompacted = snapshotSlot;
    nextChosenSlot = Math.max(nextChosenSlot, snapshotSlot + 1);
    pending.add(
        () -> {
          if (snapshotSlot > syncedCompacted) {
            int drop = (int) Math.min(syncedChosen.size(), snapshotSlot - syncedCompacted);
            syncedChosen.subList(0, drop).clear();
            syncedAccepted.headMap(snapshotSlot, true).clear();
            syncedCompacted = snapshotSlot;
          }
        });
  }

  @Override
  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** {@return the slot the synced state is compacted through, for tests} */
  public synchronized long compactedThrough() {
    return syncedCompacted;
  }

  /** {@return how many accepted entries and chosen values the synced state holds, for tests} */
  public synchronized int syncedEntries() {
    return syncedAccepted.size() + syncedChosen.size();
  }

  @Override
  public synchronized void sync() {
    checkForce();
    pending.keepAll();
    pendingCompacted = 0;
    syncs++;
  }

  /**
   * A sync whose force completes later: the writes made before this call become durable when its
   * force returns (and not before: a crash meanwhile keeps them pending, like the writes after it).
   * A force started before a crash throws {@link IllegalStateException}.
   */
  @Override
  public synchronized Force startSync() {
    if (broken) {
      throw new StorageException("storage failed earlier; it may not be used again");
    }
    long mark = pending.added();
    int incarnation = crashes;
    return () -> forceThrough(mark, incarnation);
  }

  private synchronized void forceThrough(long mark, int incarnation) {
    if (incarnation != crashes) {
      throw new IllegalStateException("a force started before a crash cannot complete after it");
    }
    checkForce();
    pending.keepThrough(mark);
    if (pending.size() == 0) {
      pendingCompacted = 0;
    }
    syncs++;
  }

  private void checkForce() {
    if (broken) {
      throw new StorageException("storage failed earlier; it may not be used again");
    }
    if (failing) {
      broken = true;
      throw new StorageException("simulated fsync failure");
    }
  }

  /**
   * Lose every write since the last sync, as a crash would, and return the storage as a restarted
   * node finds it.
   *
   * @return this storage, holding only what was synced
   */
  public synchronized InMemoryStorage crash() {
    return crash(0);
  }

  /**
   * Crash with the first {@code surviving} writes since the last sync made durable, in the order
   * they were made, as the OS may have written them before the crash, and lose the rest. Returns
   * the storage as a restarted node finds it.
   *
   * @param surviving from 0 (the same as {@link #crash()}) to {@link #unsyncedWrites()}
   * @return this storage, holding what was synced and the surviving writes
   * @throws IllegalArgumentException if {@code surviving} is outside that range
   */
  public synchronized InMemoryStorage crash(int surviving) {
    pending.keepFirst(surviving);
    pendingCompacted = 0;
    crashes++;
    nextChosenSlot = syncedCompacted + syncedChosen.size() + 1L;
    return this;
  }

  /** {@return how many writes were made since the last sync (each would be one record of a log)} */
  public synchronized int unsyncedWrites() {
    return pending.size();
  }

  /** Make every later {@link #sync()} fail, as a failing disk would. */
  public synchronized void failSyncs() {
    failing = true;
  }

  /** {@return how many syncs succeeded} */
  public synchronized long syncCount() {
    return syncs;
  }

  @Override
  public void close() {}
}
