package io.paxos.examples.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Byte strings (a {@link KeyValueStore}'s keys, or its values) copied into large shared arrays
 * (slabs) rather than held as one array each, so that storing one allocates nothing that lives on
 * and stores no reference into an old object.
 *
 * <p><b>Records.</b> A byte string is stored as its length (4 bytes, big endian) followed by its
 * bytes, exactly how a snapshot writes it, and in a slab then by the 4-byte hash of the key it
 * belongs to, for the {@link #clean cleaner}. Its location is a {@code long}: the number of its
 * slab in the slab table (high 32 bits) and its offset there (low 32 bits). A string too large to
 * share a slab gets an array of its own without the hash (it is never moved), which takes a number
 * in the slab table like a slab.
 *
 * <p><b>Never overwritten.</b> Bytes are only written beyond everything stored so far in the
 * current slab, into a fresh slab, or into a fresh own array; a slab that holds no live record any
 * more is dropped, never reused. So a {@link #slabs() copy of the slab table} stays valid for every
 * location taken at the same time, whatever is stored, released or cleaned afterwards: this is what
 * snapshots rely on.
 *
 * <p><b>Garbage.</b> A released record stays in its slab until the slab holds no live record or is
 * cleaned. When the garbage (the bytes held beyond the live records) exceeds both the live records
 * and {@link #MIN_GARBAGE_TO_CLEAN}, the store {@link #clean cleans} the slab with the fewest live
 * bytes, one at a time, like a log-structured file system: its live records are copied to the
 * current slab, its dead ones skipped, and the slab is dropped. Which records are live only the
 * owner of the locations knows ({@link Owners}): the record's hash leads it to the candidates. So
 * the garbage stays below the larger of the live bytes and a few slabs, and a cleaning copies fewer
 * bytes than it frees (when the garbage exceeds the live bytes, the shared slabs are less than half
 * full on average and the emptiest one is cleaned): under W1's uniform overwrites the cleaner
 * copies about a quarter of the bytes written, where copying every live value whenever the garbage
 * exceeded the live bytes copied about as much as was written.
 *
 * <p>Not thread-safe; only {@link #slabs()} copies may be read from another thread.
 */
final class SlabArena {
  /** The size of a shared slab: well below G1's humongous size on a 2 GiB heap (512 KiB). */
  static final int SLAB_SIZE = 256 * 1024;

  /** Strings stored with their length larger than this get an array of their own. */
  static final int LARGE = SLAB_SIZE / 4;

  /** Garbage below this is never worth a cleaning. */
  static final long MIN_GARBAGE_TO_CLEAN = 4L * SLAB_SIZE;

  private static final int HASH = Integer.BYTES;

  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);

  /** Who holds the locations of the records: the index, which tells the cleaner what is live. */
  interface Owners {
    /**
     * The owner (any non-negative number, such as an index slot) holding {@code location}, a record
     * stored for a key of {@code hash}; -1 if nobody holds it (the record is garbage).
     */
    int ownerOf(int hash, long location);

    /** The record of {@code owner} now lives at {@code location}. */
    void moved(int owner, long location);
  }

  /** Slabs and own arrays by number; null where one was dropped (its number is then free). */
  private byte[][] slabs = new byte[8][];

  /** The bytes of the live records in each slab, by number. */
  private int[] live = new int[8];

  /** The end of the records of each slab that is no longer current. */
  private int[] ends = new int[8];

  /** Whether each number is an own array rather than a shared slab. */
  private boolean[] own = new boolean[8];

  /** Numbers in use or freed: {@code slabs[slabCount..]} were never used. */
  private int slabCount;

  private int[] freeNumbers = new int[8];
  private int freeCount;

  /** The slab records are appended to, or -1 before the first. */
  private int current = -1;

  /** The end of the stored bytes in the current slab. */
  private int position;

  /** The bytes of the live strings with their lengths: what a snapshot writes of them. */
  private long liveBytes;

  /** The bytes the live records take (with their hashes). */
  private long liveStored;

  private long heldBytes;
  private long cleanings;
  private long movedBytes;

  /** The number of the slab of {@code location}. */
  static int slabOf(long location) {
    return (int) (location >>> 32);
  }

  /** The offset in its slab of the record at {@code location} (its length first). */
  static int offsetOf(long location) {
    return (int) location;
  }

  /** The offset in its slab of the first byte of the string at {@code location}. */
  static int valueOffset(long location) {
    return (int) location + Integer.BYTES;
  }

  /** The length of the string stored at {@code offset} of {@code slab}. */
  static int length(byte[] slab, int offset) {
    return (int) INT.get(slab, offset);
  }

  /** Whether a string of {@code length} bytes gets an array of its own. */
  static boolean isLarge(int length) {
    return length > LARGE - Integer.BYTES;
  }

  private static long location(int slab, int offset) {
    return (long) slab << 32 | offset;
  }

  /** Stores a copy of {@code length} bytes of {@code source} from {@code offset}. */
  long append(byte[] source, int offset, int length, int hash) {
    long location = reserve(length, hash);
    System.arraycopy(source, offset, slabs[slabOf(location)], valueOffset(location), length);
    return location;
  }

  /**
   * Makes room for a string of {@code length} bytes of a key of {@code hash} and writes its length;
   * the caller writes its bytes into {@link #slab} from {@link #valueOffset} before anything else
   * is stored.
   */
  long reserve(int length, int hash) {
    int stored = Integer.BYTES + length;
    int slab;
    int offset;
    if (isLarge(length)) {
      slab = newNumber(new byte[stored], true);
      offset = 0;
      live[slab] = stored;
      liveStored += stored;
    } else {
      int size = stored + HASH;
      if (current < 0 || position > SLAB_SIZE - size) {
        startSlab();
      }
      slab = current;
      offset = position;
      position += size;
      INT.set(slabs[slab], offset + stored, hash);
      live[slab] += size;
      liveStored += size;
    }
    INT.set(slabs[slab], offset, length);
    liveBytes += stored;
    return location(slab, offset);
  }

  /** The slab (or own array) of {@code location}. */
  byte[] slab(long location) {
    return slabs[slabOf(location)];
  }

  /** The length of the string at {@code location}. */
  int length(long location) {
    return length(slabs[slabOf(location)], offsetOf(location));
  }

  /** A copy of the string at {@code location}. */
  byte[] copy(long location) {
    int from = valueOffset(location);
    return Arrays.copyOfRange(slab(location), from, from + length(location));
  }

  /**
   * The string of {@code length} bytes at {@code location} is no longer needed: its bytes become
   * garbage (an own array is let go at once).
   */
  void release(long location, int length) {
    int slab = slabOf(location);
    int stored = Integer.BYTES + length;
    int size = own[slab] ? stored : stored + HASH;
    live[slab] -= size;
    liveStored -= size;
    liveBytes -= stored;
    if (live[slab] == 0 && slab != current) {
      drop(slab);
    }
  }

  /** Whether the garbage exceeds the live records and the minimum worth a cleaning. */
  boolean wasteful() {
    long garbage = heldBytes - liveStored;
    return garbage > liveStored && garbage > MIN_GARBAGE_TO_CLEAN;
  }

  /**
   * Cleans the shared slab with the fewest live bytes (not the current one): copies the records
   * {@code owners} hold to the current slab, tells them where, and drops the slab. The slab itself
   * is left untouched, for snapshots that may still read it. Returns false, doing nothing, if no
   * slab has garbage to free.
   */
  boolean clean(Owners owners) {
    int victim = -1;
    for (int i = 0; i < slabCount; i++) {
      if (slabs[i] != null && !own[i] && i != current && (victim < 0 || live[i] < live[victim])) {
        victim = i;
      }
    }
    if (victim < 0 || live[victim] >= SLAB_SIZE) {
      return false;
    }
    cleanings++;
    byte[] slab = slabs[victim];
    for (int offset = 0, end = ends[victim]; offset < end; ) {
      int length = length(slab, offset);
      int stored = Integer.BYTES + length;
      int hash = (int) INT.get(slab, offset + stored);
      int owner = owners.ownerOf(hash, location(victim, offset));
      if (owner >= 0) {
        owners.moved(owner, append(slab, offset + Integer.BYTES, length, hash));
        movedBytes += stored + HASH;
        live[victim] -= stored + HASH;
        liveStored -= stored + HASH;
        liveBytes -= stored;
      }
      offset += stored + HASH;
    }
    if (live[victim] != 0) {
      throw new IllegalStateException(
          "slab " + victim + " still counts " + live[victim] + " live bytes after its cleaning");
    }
    drop(victim);
    return true;
  }

  /**
   * A copy of the slab table, valid for every location taken until now whatever happens to this
   * arena afterwards.
   */
  byte[][] slabs() {
    return Arrays.copyOf(slabs, slabCount);
  }

  /** The bytes of the live strings, with their lengths. */
  long liveBytes() {
    return liveBytes;
  }

  /** The bytes the live records take, with their hashes. */
  long liveStored() {
    return liveStored;
  }

  /** The bytes of all the slabs and own arrays held, live or not. */
  long heldBytes() {
    return heldBytes;
  }

  /** How many slabs this arena cleaned. */
  long cleanings() {
    return cleanings;
  }

  /** The bytes of the live records the cleanings copied. */
  long movedBytes() {
    return movedBytes;
  }

  private void startSlab() {
    if (current >= 0) {
      ends[current] = position;
      if (live[current] == 0) {
        drop(current);
      }
    }
    current = newNumber(new byte[SLAB_SIZE], false);
    position = 0;
  }

  /** Gives {@code array} a number in the slab table, with no live bytes yet. */
  private int newNumber(byte[] array, boolean ownArray) {
    int number;
    if (freeCount > 0) {
      number = freeNumbers[--freeCount];
    } else {
      if (slabCount == slabs.length) {
        int n = slabCount * 2;
        slabs = Arrays.copyOf(slabs, n);
        live = Arrays.copyOf(live, n);
        ends = Arrays.copyOf(ends, n);
        own = Arrays.copyOf(own, n);
      }
      number = slabCount++;
    }
    slabs[number] = array;
    live[number] = 0;
    ends[number] = 0;
    own[number] = ownArray;
    heldBytes += array.length;
    return number;
  }

  /** Lets go of a slab without live records; its number may be given to a new array. */
  private void drop(int slab) {
    heldBytes -= slabs[slab].length;
    slabs[slab] = null;
    if (freeCount == freeNumbers.length) {
      freeNumbers = Arrays.copyOf(freeNumbers, freeCount * 2);
    }
    freeNumbers[freeCount++] = slab;
  }
}
