package io.paxos.examples.kv;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The keys of a {@link KeyValueStore}, by their UTF-8 bytes: an open-addressing hash table with
 * linear probing from each key's bytes to the location and length of its value in the store's value
 * {@link SlabArena}. The key bytes themselves are stored once, in a key arena of this index.
 *
 * <p><b>Layout.</b> One {@code long[]} of three longs per slot: the key's 32-bit hash (high half,
 * never 0, so 0 marks an empty slot) with the value's length (low half), the key's location in the
 * key arena, and the value's location. A lookup reads a slot (one or two cache lines, the next
 * slots of its probe usually in the same lines) and compares the key bytes only when the hashes
 * agree; no object is allocated per key, none per lookup.
 *
 * <p><b>Hashes</b> are passed in, computed by {@link #hash} (fixed constants: no random seed), so
 * that tests can force collisions. Deleting shifts the following slots of the probe back (no
 * tombstones). The table doubles when half full. Nothing observable depends on the slot order:
 * {@link #entries} is sorted by whoever writes it.
 *
 * <p>Not thread-safe.
 */
final class KeyIndex {
  private static final int META = 0;
  private static final int KEY = 1;
  private static final int VALUE = 2;
  private static final int STRIDE = 3;
  private static final int MIN_CAPACITY = 16;
  private static final int MAX_CAPACITY = 1 << 29;

  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long M1 = 0x9E3779B97F4A7C15L;
  private static final long M2 = 0xC2B2AE3D27D4EB4FL;

  private final SlabArena keys = new SlabArena();

  /** {@link #STRIDE} longs per slot: meta (hash and value length), key location, value location. */
  private long[] table = new long[MIN_CAPACITY * STRIDE];

  private int mask = MIN_CAPACITY - 1;
  private int size;

  /** What the key arena's cleaner asks: which slot holds a key record. */
  private final SlabArena.Owners keyOwners =
      new SlabArena.Owners() {
        @Override
        public int ownerOf(int hash, long location) {
          return slotHolding(hash, KEY, location);
        }

        @Override
        public void moved(int slot, long location) {
          table[slot * STRIDE + KEY] = location;
        }
      };

  /** What the value arena's cleaner asks: which slot holds a value record. */
  private final SlabArena.Owners valueOwners =
      new SlabArena.Owners() {
        @Override
        public int ownerOf(int hash, long location) {
          return slotHolding(hash, VALUE, location);
        }

        @Override
        public void moved(int slot, long location) {
          table[slot * STRIDE + VALUE] = location;
        }
      };

  /**
   * The hash of {@code length} key bytes of {@code bytes} from {@code offset}: 8 bytes at a time,
   * each multiplied in, then the finalizer of MurmurHash3. Never 0.
   */
  static int hash(byte[] bytes, int offset, int length) {
    long h = M1 ^ length;
    int i = offset;
    int end = offset + length;
    for (; i <= end - Long.BYTES; i += Long.BYTES) {
      h = Long.rotateLeft(h ^ (long) LONG.get(bytes, i) * M2, 31) * M1;
    }
    long tail = 0;
    for (int shift = 0; i < end; i++, shift += 8) {
      tail |= (bytes[i] & 0xFFL) << shift;
    }
    h = Long.rotateLeft(h ^ tail * M2, 31) * M1;
    h ^= h >>> 33;
    h *= 0xFF51AFD7ED558CCDL;
    h ^= h >>> 33;
    h *= 0xC4CEB9FE1A85EC53L;
    h ^= h >>> 33;
    int result = (int) h;
    return result == 0 ? 1 : result;
  }

  /** The number of keys. */
  int size() {
    return size;
  }

  /**
   * The slot of the key of {@code length} bytes of {@code key} from {@code offset}, of {@code
   * hash}; if absent, {@code -(slot + 1)} of the empty slot where {@link #insert} puts it.
   */
  int find(int hash, byte[] key, int offset, int length) {
    long[] t = table;
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      long meta = t[slot * STRIDE + META];
      if (meta == 0) {
        return -(slot + 1);
      }
      if ((int) (meta >>> 32) == hash && keyEquals(t[slot * STRIDE + KEY], key, offset, length)) {
        return slot;
      }
    }
  }

  /**
   * Adds a key found absent by {@link #find} (which returned {@code absent}, nothing changed
   * since), its bytes copied into the key arena, with the value at {@code value} of {@code
   * valueLength} bytes. Slots found before are invalid afterwards (the table may grow).
   */
  void insert(
      int absent, int hash, byte[] key, int offset, int length, long value, int valueLength) {
    int slot = -absent - 1;
    int base = slot * STRIDE;
    table[base + META] = meta(hash, valueLength);
    table[base + KEY] = keys.append(key, offset, length, hash);
    table[base + VALUE] = value;
    if (++size > (mask + 1) / 2) {
      grow();
    }
  }

  /** The location of the value of the key at {@code slot}. */
  long value(int slot) {
    return table[slot * STRIDE + VALUE];
  }

  /** The length of the value of the key at {@code slot}. */
  int valueLength(int slot) {
    return (int) table[slot * STRIDE + META];
  }

  /** Gives the key at {@code slot} the value at {@code location}, of {@code length} bytes. */
  void setValue(int slot, long location, int length) {
    int base = slot * STRIDE;
    table[base + META] = table[base + META] & 0xFFFF_FFFF_0000_0000L | length & 0xFFFF_FFFFL;
    table[base + VALUE] = location;
  }

  /**
   * Removes the key at {@code slot} (its value is the caller's to release) and moves the following
   * slots of its probe back into the hole. Slots found before are invalid afterwards.
   */
  void remove(int slot) {
    long[] t = table;
    keys.release(t[slot * STRIDE + KEY], keys.length(t[slot * STRIDE + KEY]));
    int hole = slot;
    for (int next = (hole + 1) & mask; ; next = (next + 1) & mask) {
      long meta = t[next * STRIDE + META];
      if (meta == 0) {
        break;
      }
      int home = (int) (meta >>> 32) & mask;
      // the entry at next may fill the hole if its home is not cyclically in (hole, next]
      boolean stays = hole <= next ? hole < home && home <= next : hole < home || home <= next;
      if (!stays) {
        System.arraycopy(t, next * STRIDE, t, hole * STRIDE, STRIDE);
        hole = next;
      }
    }
    Arrays.fill(t, hole * STRIDE, hole * STRIDE + STRIDE, 0L);
    size--;
    for (int i = 0; i < 64 && keys.wasteful() && keys.clean(keyOwners); i++) {
      // each cleaning frees at least a quarter of a slab
    }
  }

  /** Who holds the values' locations, for the cleaner of the value arena. */
  SlabArena.Owners valueOwners() {
    return valueOwners;
  }

  /**
   * The key and value location of every key, as pairs in one array, in slot order; the keys are
   * read from {@link #keySlabs} taken at the same time.
   */
  long[] entries() {
    long[] entries = new long[2 * size];
    int n = 0;
    for (int base = 0; base < table.length; base += STRIDE) {
      if (table[base + META] != 0) {
        entries[n++] = table[base + KEY];
        entries[n++] = table[base + VALUE];
      }
    }
    return entries;
  }

  /** What {@link #forEach} shows of each key. */
  interface Visitor {
    /**
     * One key: its {@code keyLength} bytes in {@code keySlab} from {@code keyOffset} (not to be
     * changed), and its value's location and length in the value arena.
     */
    void visit(byte[] keySlab, int keyOffset, int keyLength, long valueLocation, int valueLength);
  }

  /** Show every key to {@code visitor}, in slot order (no order a caller may rely on). */
  void forEach(Visitor visitor) {
    for (int base = 0; base < table.length; base += STRIDE) {
      long meta = table[base + META];
      if (meta != 0) {
        long key = table[base + KEY];
        byte[] slab = keys.slab(key);
        int at = SlabArena.offsetOf(key);
        visitor.visit(
            slab, at + Integer.BYTES, SlabArena.length(slab, at), table[base + VALUE], (int) meta);
      }
    }
  }

  /** A copy of the key arena's slab table, valid for every key location taken until now. */
  byte[][] keySlabs() {
    return keys.slabs();
  }

  /** The key arena, for tests. */
  SlabArena keyArena() {
    return keys;
  }

  /** The slots of the table, for tests. */
  int capacity() {
    return mask + 1;
  }

  private static long meta(int hash, int valueLength) {
    return (long) hash << 32 | valueLength & 0xFFFF_FFFFL;
  }

  private boolean keyEquals(long location, byte[] key, int offset, int length) {
    byte[] slab = keys.slab(location);
    int at = SlabArena.offsetOf(location);
    return SlabArena.length(slab, at) == length
        && Arrays.equals(
            slab, at + Integer.BYTES, at + Integer.BYTES + length, key, offset, offset + length);
  }

  /** The slot of {@code hash} whose {@code field} is {@code location}, or -1. */
  private int slotHolding(int hash, int field, long location) {
    for (int slot = hash & mask; ; slot = (slot + 1) & mask) {
      long meta = table[slot * STRIDE + META];
      if (meta == 0) {
        return -1;
      }
      if ((int) (meta >>> 32) == hash && table[slot * STRIDE + field] == location) {
        return slot;
      }
    }
  }

  private void grow() {
    int capacity = mask + 1;
    if (capacity >= MAX_CAPACITY) {
      throw new IllegalStateException("a key index holds at most " + MAX_CAPACITY / 2 + " keys");
    }
    long[] old = table;
    table = new long[capacity * 2 * STRIDE];
    mask = capacity * 2 - 1;
    for (int base = 0; base < old.length; base += STRIDE) {
      long meta = old[base + META];
      if (meta != 0) {
        int slot = (int) (meta >>> 32) & mask;
        while (table[slot * STRIDE + META] != 0) {
          slot = (slot + 1) & mask;
        }
        System.arraycopy(old, base, table, slot * STRIDE, STRIDE);
      }
    }
  }
}
