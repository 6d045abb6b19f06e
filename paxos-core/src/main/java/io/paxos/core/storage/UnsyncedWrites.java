package io.paxos.core.storage;

import java.util.ArrayList;
import java.util.List;

/**
 * The writes made since the last sync, in the order they were made: the in-memory twin of the
 * unsynced tail of {@link FileStorage}'s log. Each write is one record (a {@link Storage} write
 * call appends exactly one record to the log) and is kept as the action that applies that record to
 * the durable state, as {@link RecoveredState} applies a record read back from disk.
 *
 * <p>At a crash a prefix of them survives ({@link #keepFirst}): the OS may have written some of the
 * unsynced records of a file before the crash, always in file order as far as recovery is
 * concerned, because recovery stops at the first record that is missing or torn and truncates the
 * rest of that group commit ({@link LogRecovery}). A torn record therefore counts as lost, like
 * every record after it. Not thread-safe.
 */
final class UnsyncedWrites {
  private final List<Runnable> writes = new ArrayList<>();
  private long added; // writes remembered ever, the crashed ones included

  /** Remember a write that {@code apply} makes durable, after every earlier one. */
  void add(Runnable apply) {
    writes.add(apply);
    added++;
  }

  /** {@return how many writes were ever remembered: the mark a later {@link #keepThrough} takes} */
  long added() {
    return added;
  }

  /**
   * A force that returns: the writes remembered up to {@code mark} (an {@link #added()} value)
   * become durable, in order; later ones stay unsynced.
   */
  void keepThrough(long mark) {
    int count = (int) Math.max(0, Math.min(writes.size(), writes.size() - (added - mark)));
    for (int i = 0; i < count; i++) {
      writes.get(i).run();
    }
    writes.subList(0, count).clear();
  }

  int size() {
    return writes.size();
  }

  /** The sync: every write becomes durable, in order. */
  void keepAll() {
    keepFirst(writes.size());
  }

  /**
   * The crash: the first {@code count} writes become durable, in order, and the rest are lost.
   *
   * @throws IllegalArgumentException unless {@code 0 <= count <= size()}
   */
  void keepFirst(int count) {
    if (count < 0 || count > writes.size()) {
      throw new IllegalArgumentException(
          "cannot keep " + count + " of " + writes.size() + " unsynced writes");
    }
    for (int i = 0; i < count; i++) {
      writes.get(i).run();
    }
    writes.clear();
  }
}
