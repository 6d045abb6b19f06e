package io.paxos.examples.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The bytes of a {@link KeyValueStore}'s values, copied into large shared arrays (slabs) rather
 * than held as one array per value, so that overwriting a value allocates nothing that lives on and
 * stores no reference into an old object.
 *
 * <p>A value is stored as its length (4 bytes, big endian) followed by its bytes: exactly how a
 * snapshot writes it. Its location is a {@code long}: the number of its slab in the slab table
 * (high 32 bits) and its offset there (low 32 bits). A value too large to share a slab gets an
 * array of its own, which takes a number in the slab table like a slab.
 *
 * <p><b>Never overwritten.</b> Bytes are only written beyond everything stored so far in the
 * current slab, into a fresh slab, or into a fresh own array; a slab that holds no live value any
 * more is dropped, never reused. So a {@link #slabs() copy of the slab table} stays valid for every
 * location taken at the same time, whatever is stored, released or compacted afterwards: this is
 * what snapshots rely on.
 *
 * <p><b>Garbage.</b> The bytes of released values stay in their slab until the slab holds no live
 * value or until a {@link #compact compaction}, which copies every live value into fresh slabs. The
 * store compacts when the garbage exceeds both the live bytes and {@link #MIN_GARBAGE_TO_COMPACT}:
 * each compaction copies at most as many bytes as the garbage it frees.
 *
 * <p>Not thread-safe; only {@link #slabs()} copies may be read from another thread.
 */
final class ValueArena {
  /** The size of a shared slab: well below G1's humongous size on a 2 GiB heap (512 KiB). */
  static final int SLAB_SIZE = 256 * 1024;

  /** Stored values (length and bytes) larger than this get an array of their own. */
  static final int LARGE = SLAB_SIZE / 4;

  /** Garbage below this is never worth a compaction. */
  static final long MIN_GARBAGE_TO_COMPACT = 4L * SLAB_SIZE;

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** Slabs and own arrays by number; null where one was dropped (its number is then free). */
  private byte[][] slabs = new byte[8][];

  /** The bytes of the live values in each slab, by number. */
  private int[] live = new int[8];

  /** Numbers in use or freed: {@code slabs[slabCount..]} were never used. */
  private int slabCount;

  private int[] freeNumbers = new int[8];
  private int freeCount;

  /** The slab values are appended to, or -1 before the first. */
  private int current = -1;

  /** The end of the stored bytes in the current slab. */
  private int position;

  private long liveBytes;
  private long heldBytes;
  private long compactions;

  /** The number of the slab of {@code location}. */
  static int slabOf(long location) {
    return (int) (location >>> 32);
  }

  /** The offset in its slab of the value stored at {@code location} (its length first). */
  static int offsetOf(long location) {
    return (int) location;
  }

  /** The offset in its slab of the first byte of the value at {@code location}. */
  static int valueOffset(long location) {
    return (int) location + Integer.BYTES;
  }

  /** The length of the value stored at {@code offset} of {@code slab}. */
  static int length(byte[] slab, int offset) {
    return (int) INT.get(slab, offset);
  }

  /** Whether a value of {@code length} bytes gets an array of its own. */
  static boolean isLarge(int length) {
    return length > LARGE - Integer.BYTES;
  }

  private static long location(int slab, int offset) {
    return (long) slab << 32 | offset;
  }

  /** Stores a copy of {@code length} bytes of {@code source} from {@code offset}. */
  long append(byte[] source, int offset, int length) {
    long location = reserve(length);
    System.arraycopy(source, offset, slabs[slabOf(location)], valueOffset(location), length);
    return location;
  }

  /**
   * Makes room for a value of {@code length} bytes and writes its length; the caller writes its
   * bytes into {@link #slab} from {@link #valueOffset} before anything else is stored.
   */
  long reserve(int length) {
    int size = Integer.BYTES + length;
    int slab;
    int offset;
    if (isLarge(length)) {
      slab = newNumber(new byte[size]);
      offset = 0;
    } else {
      if (current < 0 || position > SLAB_SIZE - size) {
        startSlab();
      }
      slab = current;
      offset = position;
      position += size;
    }
    INT.set(slabs[slab], offset, length);
    live[slab] += size;
    liveBytes += size;
    return location(slab, offset);
  }

  /** The slab (or own array) of {@code location}. */
  byte[] slab(long location) {
    return slabs[slabOf(location)];
  }

  /** The length of the value at {@code location}. */
  int length(long location) {
    return length(slabs[slabOf(location)], offsetOf(location));
  }

  /** A copy of the value at {@code location}. */
  byte[] copy(long location) {
    int from = valueOffset(location);
    return Arrays.copyOfRange(slab(location), from, from + length(location));
  }

  /** The value at {@code location} is no longer needed: its bytes become garbage. */
  void release(long location) {
    int slab = slabOf(location);
    int size = Integer.BYTES + length(location);
    live[slab] -= size;
    liveBytes -= size;
    if (live[slab] == 0 && slab != current) {
      drop(slab);
    }
  }

  /** Whether the garbage exceeds the live bytes and the minimum worth a compaction. */
  boolean wasteful() {
    long garbage = heldBytes - liveBytes;
    return garbage > liveBytes && garbage > MIN_GARBAGE_TO_COMPACT;
  }

  /**
   * Copies the value of every one of {@code refs} (which must be all the live values) into fresh
   * slabs and updates their locations; own arrays move to the new table as they are. The old slabs
   * are left untouched, for snapshots that may still read them.
   */
  void compact(Iterable<ValueRef> refs) {
    compactions++;
    byte[][] old = slabs;
    int expected = (int) (liveBytes / SLAB_SIZE) + 8;
    slabs = new byte[expected][];
    live = new int[expected];
    slabCount = 0;
    freeCount = 0;
    current = -1;
    position = 0;
    liveBytes = 0;
    heldBytes = 0;
    for (ValueRef ref : refs) {
      long location = ref.location;
      byte[] from = old[slabOf(location)];
      int offset = offsetOf(location);
      int length = length(from, offset);
      if (isLarge(length)) {
        int slab = newNumber(from); // never written again: shared with the snapshots
        live[slab] = from.length;
        liveBytes += from.length;
        ref.location = location(slab, 0);
      } else {
        ref.location = append(from, offset + Integer.BYTES, length);
      }
    }
  }

  /**
   * A copy of the slab table, valid for every location taken until now whatever happens to this
   * arena afterwards.
   */
  byte[][] slabs() {
    return Arrays.copyOf(slabs, slabCount);
  }

  /** The bytes of the live values, with their lengths. */
  long liveBytes() {
    return liveBytes;
  }

  /** The bytes of all the slabs and own arrays held, live or not. */
  long heldBytes() {
    return heldBytes;
  }

  /** How many times this arena compacted. */
  long compactions() {
    return compactions;
  }

  private void startSlab() {
    if (current >= 0 && live[current] == 0) {
      drop(current);
    }
    current = newNumber(new byte[SLAB_SIZE]);
    position = 0;
  }

  /** Gives {@code array} a number in the slab table, with no live bytes yet. */
  private int newNumber(byte[] array) {
    int number;
    if (freeCount > 0) {
      number = freeNumbers[--freeCount];
    } else {
      if (slabCount == slabs.length) {
        slabs = Arrays.copyOf(slabs, slabCount * 2);
        live = Arrays.copyOf(live, slabCount * 2);
      }
      number = slabCount++;
    }
    slabs[number] = array;
    live[number] = 0;
    heldBytes += array.length;
    return number;
  }

  /** Lets go of a slab without live values; its number may be given to a new array. */
  private void drop(int slab) {
    heldBytes -= slabs[slab].length;
    slabs[slab] = null;
    if (freeCount == freeNumbers.length) {
      freeNumbers = Arrays.copyOf(freeNumbers, freeCount * 2);
    }
    freeNumbers[freeCount++] = slab;
  }
}
