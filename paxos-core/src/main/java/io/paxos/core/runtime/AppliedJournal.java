package io.paxos.core.runtime;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.config.WatchOptions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The node's bounded in-memory history of applied slots, which every {@link Watch} reads from its
 * own position: the slots from {@link #first} through the applied slot are covered (those holding
 * no applied command are not stored). The apply thread appends once per batch and never waits for a
 * watcher; the oldest slots are dropped past the {@link WatchOptions} bounds, and a watcher still
 * needing them is cut off when it next reads.
 *
 * <p><b>Threading.</b> The apply thread (or the node's builder, before the node starts) calls
 * {@link #append} and {@link #reset}; watchers read from any thread. One monitor guards the state:
 * the apply thread holds it once per batch, never per command.
 */
final class AppliedJournal {
  private final int nodeId;
  private final WatchOptions options;
  private final CopyOnWriteArrayList<JournalWatch> watches = new CopyOnWriteArrayList<>();
  private AppliedSlot[] ring = new AppliedSlot[64];
  private int head;
  private int size;
  private long bytes;
  private long first = 1;
  private long last;
  private String closedWhy;

  AppliedJournal(int nodeId, WatchOptions options) {
    this.nodeId = nodeId;
    this.options = options;
  }

  /** The oldest slot covered: a watch may start here or later. */
  synchronized long first() {
    return first;
  }

  /** The newest slot covered: the applied slot. */
  synchronized long last() {
    return last;
  }

  /** Slots stored now (those that applied something), for tests. */
  synchronized int size() {
    return size;
  }

  /** Bytes counted against the bound now, for tests. */
  synchronized long bytes() {
    return bytes;
  }

  /**
   * Open a watch from {@code fromSlot}.
   *
   * @throws SlotUnavailableException if {@code fromSlot} is older than {@link #first()}
   * @throws NodeClosedException if the node closed
   */
  Watch open(long fromSlot) {
    JournalWatch w;
    synchronized (this) {
      checkOpen();
      if (fromSlot < first) {
        throw new SlotUnavailableException(nodeId, fromSlot, first);
      }
      w = new JournalWatch(this, fromSlot);
      watches.add(w);
    }
    return w;
  }

  /** The watches open now. */
  int openWatches() {
    return watches.size();
  }

  void forget(JournalWatch w) {
    watches.remove(w);
    synchronized (this) {
      notifyAll(); // a take() waiting on the closed watch returns
    }
  }

  /**
   * Everything was applied through {@code appliedSlot} (a snapshot restored or installed): forget
   * the history, which continues after it. Watchers not past it are cut off.
   */
  void reset(long appliedSlot) {
    synchronized (this) {
      java.util.Arrays.fill(ring, null);
      head = 0;
      size = 0;
      bytes = 0;
      first = appliedSlot + 1;
      last = appliedSlot;
      notifyAll();
    }
    signal();
  }

  /** The slots of a batch just applied (those that applied something), through {@code applied}. */
  void append(List<AppliedSlot> slots, long appliedSlot) {
    synchronized (this) {
      for (AppliedSlot s : slots) {
        if (size == ring.length) {
          grow();
        }
        ring[(head + size) % ring.length] = s;
        size++;
        bytes += cost(s);
      }
      while (size > options.retainedSlots() || (size > 1 && bytes > options.retainedBytes())) {
        AppliedSlot dropped = ring[head];
        ring[head] = null;
        head = (head + 1) % ring.length;
        size--;
        bytes -= cost(dropped);
        first = dropped.slot() + 1;
      }
      last = Math.max(last, appliedSlot);
      notifyAll();
    }
    signal();
  }

  /** The node closed or stopped: every watch ends with {@link NodeClosedException}. */
  void close(String why) {
    synchronized (this) {
      if (closedWhy != null) {
        return;
      }
      closedWhy = why;
      notifyAll();
    }
    signal();
  }

  /**
   * Copy to {@code out} the stored slots from {@code next}, at most {@code max}, and return the
   * slot to read from next time. Holds the monitor (the caller's).
   *
   * @throws SlotUnavailableException if {@code next} is older than {@link #first()}
   */
  long read(long next, int max, List<AppliedSlot> out) {
    assert Thread.holdsLock(this);
    checkOpen();
    if (next < first) {
      throw new SlotUnavailableException(nodeId, next, first);
    }
    int i = indexOf(next);
    while (i < size && out.size() < max) {
      out.add(ring[(head + i) % ring.length]);
      i++;
    }
    if (i < size) {
      return out.get(out.size() - 1).slot() + 1;
    }
    return Math.max(next, last + 1);
  }

  /** Whether a read from {@code next} would return something or throw. Holds the monitor. */
  boolean ready(long next) {
    assert Thread.holdsLock(this);
    return closedWhy != null || next < first || next <= last;
  }

  private void checkOpen() {
    if (closedWhy != null) {
      throw new NodeClosedException(closedWhy);
    }
  }

  /** The index of the first stored slot at or after {@code slot} ({@code size} if none). */
  private int indexOf(long slot) {
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ring[(head + mid) % ring.length].slot() < slot) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private void grow() {
    AppliedSlot[] bigger = new AppliedSlot[ring.length * 2];
    for (int i = 0; i < size; i++) {
      bigger[i] = ring[(head + i) % ring.length];
    }
    ring = bigger;
    head = 0;
  }

  private static long cost(AppliedSlot s) {
    long c = 0;
    for (AppliedCommand a : s.commands()) {
      c += a.command().length + a.result().length + WatchOptions.OVERHEAD_BYTES;
    }
    return c;
  }

  private void signal() {
    for (JournalWatch w : watches) {
      w.signal();
    }
  }

  /** {@return why node {@code nodeId}, which keeps no journal, cannot be watched} */
  static IllegalStateException unavailable(
      int nodeId, io.paxos.core.config.Member self, io.paxos.core.config.ClusterConfig config) {
    return new IllegalStateException(
        self.has(io.paxos.core.config.Role.LEARNER)
            ? "node "
                + nodeId
                + " keeps no history of applied commands: enable it with"
                + " PaxosNode.builder().watchHistory(WatchOptions.defaults())"
            : "node "
                + nodeId
                + " hosts no learner, so it applies nothing to watch; watch one of the learners "
                + java.util.Arrays.toString(config.idsWith(io.paxos.core.config.Role.LEARNER)));
  }
}
