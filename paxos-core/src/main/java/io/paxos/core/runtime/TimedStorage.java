package io.paxos.core.runtime;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.SnapshotStore;
import io.paxos.core.storage.Storage;

/**
 * The node's storage as its writer sees it while write stages are sampled ({@link WriteStages}):
 * every call goes to the storage unchanged; a sampled slot's vote is stamped {@code persist start}
 * when it is handed over ({@link #saveAccepted}) and {@code force done} when a sync after it
 * returns. Only put in place when sampling is on, so that a node that does not sample pays nothing.
 * It overrides every method of {@link Storage}, defaults included (a test checks), so that it never
 * hides what the storage does.
 *
 * <p>Threading: that of the storage; the writer's thread whose turn it is makes every call, and a
 * force from {@link #startSync()} is awaited by the thread that started it, as the storage allows.
 */
final class TimedStorage implements Storage {
  private final Storage storage;
  private final WriteStages stages;

  TimedStorage(Storage storage, WriteStages stages) {
    this.storage = storage;
    this.stages = stages;
  }

  @Override
  public void saveAccepted(AcceptedEntry entry) {
    stages.persisting(entry.slot());
    storage.saveAccepted(entry);
  }

  @Override
  public void sync() {
    long[] slots = stages.startingSync();
    storage.sync();
    stages.forced(slots);
  }

  @Override
  public Force startSync() {
    long[] slots = stages.startingSync();
    Force force = storage.startSync();
    return () -> {
      force.await();
      stages.forced(slots);
    };
  }

  @Override
  public int forcesInFlight() {
    return storage.forcesInFlight();
  }

  @Override
  public DurableState load() {
    return storage.load();
  }

  @Override
  public boolean bootstrapped() {
    return storage.bootstrapped();
  }

  @Override
  public void markBootstrapped() {
    storage.markBootstrapped();
  }

  @Override
  public void savePromise(Ballot promised) {
    storage.savePromise(promised);
  }

  @Override
  public void saveRound(long round) {
    storage.saveRound(round);
  }

  @Override
  public void appendChosen(long slot, Value value) {
    storage.appendChosen(slot, value);
  }

  @Override
  public void compact(long snapshotSlot) {
    storage.compact(snapshotSlot);
  }

  @Override
  public SnapshotStore snapshots() {
    return storage.snapshots();
  }

  @Override
  public void close() {
    storage.close();
  }

  @Override
  public String location() {
    return storage.location();
  }

  @Override
  public long logBytes() {
    return storage.logBytes();
  }

  @Override
  public boolean blockingSync() {
    return storage.blockingSync();
  }
}
