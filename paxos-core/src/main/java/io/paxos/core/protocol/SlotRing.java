package io.paxos.core.protocol;

import java.util.Arrays;

/**
 * Per-slot state for a sliding range of slots {@code [base, base + capacity)}, kept in a ring array
 * that grows as needed: the hot-path replacement for a {@code Map<Long, T>}. Slots below {@link
 * #base()} are forgotten.
 */
final class SlotRing<T> {
  /**
   * The widest range a ring holds: a slot further than this above {@link #base()} is a broken
   * invariant (inbound messages are bounded far below it, see {@link MessageBounds}), refused
   * loudly rather than grown into an OutOfMemoryError.
   */
  static final long MAX_SPAN = 1L << 30;

  private Object[] items;
  private long base;

  SlotRing(long base, int initialCapacity) {
    this.base = base;
    this.items = new Object[Integer.highestOneBit(Math.max(2, initialCapacity - 1)) << 1];
  }

  long base() {
    return base;
  }

  /** The first slot above the range the ring holds now: {@link #get} of it or above is null. */
  long end() {
    return base + items.length;
  }

  @SuppressWarnings("unchecked")
  T get(long slot) {
    if (slot < base || slot >= base + items.length) {
      return null;
    }
    return (T) items[index(slot)];
  }

  /** Store {@code item} at {@code slot}; ignored for slots below {@link #base()}. */
  void put(long slot, T item) {
    if (slot < base) {
      return;
    }
    if (slot - base >= MAX_SPAN) {
      throw new IllegalStateException(
          "slot " + slot + " is " + (slot - base) + " slots above the ring's base " + base);
    }
    while (slot >= base + items.length) {
      grow();
    }
    items[index(slot)] = item;
  }

  /** Forget every slot below {@code newBase}. */
  void advanceTo(long newBase) {
    if (newBase <= base) {
      return;
    }
    if (newBase - base >= items.length) {
      Arrays.fill(items, null);
    } else {
      for (long s = base; s < newBase; s++) {
        items[index(s)] = null;
      }
    }
    base = newBase;
  }

  /** Forget everything and restart at {@code newBase}. */
  void reset(long newBase) {
    Arrays.fill(items, null);
    base = newBase;
  }

  private int index(long slot) {
    return (int) (slot & (items.length - 1));
  }

  private void grow() {
    Object[] bigger = new Object[items.length * 2];
    for (long s = base; s < base + items.length; s++) {
      bigger[(int) (s & (bigger.length - 1))] = items[index(s)];
    }
    items = bigger;
  }
}
