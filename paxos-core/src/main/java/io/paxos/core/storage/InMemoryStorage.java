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

  private Ballot pendingPromise;
  private long pendingRound = -1;
  private final List<AcceptedEntry> pendingAccepted = new ArrayList<>();
  private final List<Value> pendingChosen = new ArrayList<>();
  private final List<Long> pendingChosenSlots = new ArrayList<>();
  private long nextChosenSlot = 1;
  private boolean failing;
  private boolean broken;
  private long syncs;

  @Override
  public synchronized DurableState load() {
    return new DurableState(
        syncedPromise,
        List.copyOf(syncedAccepted.values()),
        syncedRound,
        syncedChosen,
        syncedCompacted);
  }

  @Override
  public synchronized void savePromise(Ballot promised) {
    pendingPromise = promised;
  }

  @Override
  public synchronized void saveRound(long round) {
    pendingRound = Math.max(pendingRound, round);
  }

  @Override
  public synchronized void saveAccepted(AcceptedEntry entry) {
    pendingAccepted.add(entry);
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
    pendingChosen.add(value);
    pendingChosenSlots.add(slot);
    nextChosenSlot++;
  }

  @Override
  public synchronized void compact(long snapshotSlot) {
    if (snapshotSlot <= Math.max(syncedCompacted, pendingCompacted)) {
      return;
    }
    pendingCompacted = snapshotSlot;
    nextChosenSlot = Math.max(nextChosenSlot, snapshotSlot + 1);
  }

  @Override
  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** The slot the synced state is compacted through, for tests. */
  public synchronized long compactedThrough() {
    return syncedCompacted;
  }

  /** How many accepted entries and chosen values the synced state holds, for tests. */
  public synchronized int syncedEntries() {
    return syncedAccepted.size() + syncedChosen.size();
  }

  @Override
  public synchronized void sync() {
    if (broken) {
      throw new StorageException("storage failed earlier; it may not be used again");
    }
    if (failing) {
      broken = true;
      throw new StorageException("simulated fsync failure");
    }
    if (pendingPromise != null && pendingPromise.isAbove(syncedPromise)) {
      syncedPromise = pendingPromise;
    }
    syncedRound = Math.max(syncedRound, pendingRound);
    for (AcceptedEntry e : pendingAccepted) {
      if (e.slot() > syncedCompacted) {
        syncedAccepted.put(e.slot(), e);
      }
    }
    if (pendingCompacted > syncedCompacted) {
      int drop = (int) Math.min(syncedChosen.size(), pendingCompacted - syncedCompacted);
      syncedChosen.subList(0, drop).clear();
      syncedAccepted.headMap(pendingCompacted, true).clear();
      syncedCompacted = pendingCompacted;
    }
    for (int i = 0; i < pendingChosen.size(); i++) {
      if (pendingChosenSlots.get(i) == syncedCompacted + syncedChosen.size() + 1) {
        syncedChosen.add(pendingChosen.get(i));
      }
    }
    clearPending();
    syncs++;
  }

  /**
   * Lose every write since the last sync, as a crash would, and return the storage as a restarted
   * node finds it.
   */
  public synchronized InMemoryStorage crash() {
    clearPending();
    nextChosenSlot = syncedCompacted + syncedChosen.size() + 1L;
    return this;
  }

  /** Make every later {@link #sync()} fail, as a failing disk would. */
  public synchronized void failSyncs() {
    failing = true;
  }

  /** How many syncs succeeded. */
  public synchronized long syncCount() {
    return syncs;
  }

  private void clearPending() {
    pendingPromise = null;
    pendingRound = -1;
    pendingAccepted.clear();
    pendingChosen.clear();
    pendingChosenSlots.clear();
    pendingCompacted = 0;
  }

  @Override
  public void close() {}
}
