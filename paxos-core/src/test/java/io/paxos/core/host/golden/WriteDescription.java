package io.paxos.core.host.golden;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.SnapshotStore;
import io.paxos.core.storage.Storage;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a queued write will persist, in words: the write is run once against this storage, which
 * records each call instead of storing it ({@code promise 2.1, accepted 1=[x]@2.1}). The host's
 * writes only read the batch they were given, so running one twice (here, then on the real storage
 * when the script forces it) persists the same records.
 */
final class WriteDescription implements Storage {
  private final List<String> records = new ArrayList<>();

  /** The records {@code writes} makes, comma-separated, or {@code nothing} if none. */
  static String of(Consumer<Storage> writes) {
    WriteDescription d = new WriteDescription();
    writes.accept(d);
    return d.records.isEmpty() ? "nothing" : String.join(", ", d.records);
  }

  @Override
  public void savePromise(Ballot promised) {
    records.add("promise " + promised);
  }

  @Override
  public void saveRound(long round) {
    records.add("round " + round);
  }

  @Override
  public void saveAccepted(AcceptedEntry entry) {
    records.add("accepted " + MessageFormatter.entry(entry));
  }

  @Override
  public void appendChosen(long slot, Value value) {
    records.add("chosen " + slot + "=" + MessageFormatter.value(value));
  }

  @Override
  public void compact(long snapshotSlot) {
    records.add("compact through " + snapshotSlot);
  }

  @Override
  public DurableState load() {
    throw new UnsupportedOperationException("a write only makes records");
  }

  @Override
  public boolean bootstrapped() {
    throw new UnsupportedOperationException("a write only makes records");
  }

  @Override
  public void markBootstrapped() {
    throw new UnsupportedOperationException("a write only makes records");
  }

  @Override
  public SnapshotStore snapshots() {
    throw new UnsupportedOperationException("a write only makes records");
  }

  @Override
  public void sync() {
    throw new UnsupportedOperationException("the writer syncs, not the write");
  }

  @Override
  public void close() {}
}
