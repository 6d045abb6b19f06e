package io.paxos.core.runtime;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.SnapshotStore;
import io.paxos.core.storage.Storage;

/** A storage that hands every call to another one; tests override the calls they watch. */
class ForwardingStorage implements Storage {
  protected final Storage delegate;

  ForwardingStorage(Storage delegate) {
    this.delegate = delegate;
  }

  @Override
  public DurableState load() {
    return delegate.load();
  }

  @Override
  public boolean bootstrapped() {
    return delegate.bootstrapped();
  }

  @Override
  public void markBootstrapped() {
    delegate.markBootstrapped();
  }

  @Override
  public void savePromise(Ballot promised) {
    delegate.savePromise(promised);
  }

  @Override
  public void saveRound(long round) {
    delegate.saveRound(round);
  }

  @Override
  public void saveAccepted(AcceptedEntry entry) {
    delegate.saveAccepted(entry);
  }

  @Override
  public void appendChosen(long slot, Value value) {
    delegate.appendChosen(slot, value);
  }

  @Override
  public void compact(long snapshotSlot) {
    delegate.compact(snapshotSlot);
  }

  @Override
  public SnapshotStore snapshots() {
    return delegate.snapshots();
  }

  @Override
  public void sync() {
    delegate.sync();
  }

  @Override
  public void close() {
    delegate.close();
  }

  @Override
  public boolean blockingSync() {
    return delegate.blockingSync();
  }
}
