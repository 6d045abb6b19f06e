package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.ToIntFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The index against a {@link HashMap} model: inserts, overwrites, deletes (with their backward
 * shifts), growth and the key arena's cleaning, under the real hash and under hashes forced to
 * collide, including probes that wrap around the end of the table.
 */
class KeyIndexTest {

  /** How the test hashes keys: the index takes the hash as given. */
  enum Hashing {
    REAL(key -> KeyIndex.hash(key, 0, key.length)),
    /** Eight hashes in all: long runs of equal hashes. */
    EIGHT_HASHES(key -> (KeyIndex.hash(key, 0, key.length) & 7) + 1),
    /** Four hashes whose home is one of the last four slots, whatever the capacity: wrap-around. */
    AT_THE_END(key -> -1 - (KeyIndex.hash(key, 0, key.length) & 3)),
    /** One hash for every key. */
    ONE_HASH(key -> 42);

    final ToIntFunction<byte[]> function;

    Hashing(ToIntFunction<byte[]> function) {
      this.function = function;
    }
  }

  /** What the model holds per key: the value location and length given to the index. */
  private record Value(long location, int length) {}

  @ParameterizedTest
  @EnumSource(Hashing.class)
  void randomOperationsMatchAHashMapModel(Hashing hashing) {
    SplittableRandom random = new SplittableRandom(2024 + hashing.ordinal());
    KeyIndex index = new KeyIndex();
    Map<String, Value> model = new HashMap<>();
    int keySpace = hashing == Hashing.REAL ? 3_000 : 400; // colliding hashes probe linearly
    int steps = hashing == Hashing.REAL ? 40_000 : 8_000;
    long nextLocation = 1;
    int maxSize = 0;
    for (int step = 0; step < steps; step++) {
      // grow the key space in phases, then shrink it: growth, then runs of deletes
      int number = random.nextInt(keySpace);
      String name = "key-" + number + "-" + "x".repeat(number % 20); // lengths 6 to 28
      byte[] key = name.getBytes(StandardCharsets.UTF_8);
      int hash = hashing.function.applyAsInt(key);
      int slot = index.find(hash, key, 0, key.length);
      Value expected = model.get(name);
      assertThat(slot >= 0).as("step %d: %s found", step, name).isEqualTo(expected != null);
      if (expected != null) {
        assertThat(index.value(slot)).isEqualTo(expected.location());
        assertThat(index.valueLength(slot)).isEqualTo(expected.length());
      }
      boolean deleting = step > steps / 2 ? random.nextInt(3) > 0 : random.nextInt(5) == 0;
      if (deleting) {
        if (slot >= 0) {
          index.remove(slot);
          model.remove(name);
        }
      } else {
        Value value = new Value(nextLocation++, random.nextInt(1 << 20));
        if (slot >= 0) {
          index.setValue(slot, value.location(), value.length());
        } else {
          index.insert(slot, hash, key, 0, key.length, value.location(), value.length());
        }
        model.put(name, value);
      }
      maxSize = Math.max(maxSize, model.size());
      assertThat(index.size()).isEqualTo(model.size());
      if (step % 1_000 == 0) {
        assertSameEntries(index, model, hashing);
      }
    }
    assertSameEntries(index, model, hashing);
    assertThat(index.capacity()).isGreaterThanOrEqualTo(2 * maxSize); // it grew
    assertThat(maxSize).isGreaterThan(hashing == Hashing.REAL ? 1_000 : 200);
    assertThat(model.size()).isLessThan(maxSize / 2); // and many were deleted
  }

  @Test
  void theValueOwnersAreTheSlotsHoldingALocationAndNoOther() {
    KeyIndex index = new KeyIndex();
    List<byte[]> keys = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
      keys.add(key);
      int hash = (i % 3) + 1; // colliding: the location, not the hash, must decide
      index.insert(index.find(hash, key, 0, key.length), hash, key, 0, key.length, 1_000 + i, i);
    }
    SlabArena.Owners owners = index.valueOwners();
    for (int i = 0; i < 100; i++) {
      int hash = (i % 3) + 1;
      int slot = owners.ownerOf(hash, 1_000 + i);
      assertThat(slot).isEqualTo(index.find(hash, keys.get(i), 0, keys.get(i).length));
      assertThat(owners.ownerOf(hash, 5_000 + i)).isEqualTo(-1); // a location nobody holds
      owners.moved(slot, 9_000 + i);
      assertThat(index.value(slot)).isEqualTo(9_000 + i);
      assertThat(index.valueLength(slot)).isEqualTo(i);
      assertThat(owners.ownerOf(hash, 1_000 + i)).isEqualTo(-1); // the old location is garbage
    }
  }

  @Test
  void deletedKeysAreCleanedOutOfTheKeyArenaAndTheRestStayFindable() {
    SplittableRandom random = new SplittableRandom(17);
    KeyIndex index = new KeyIndex();
    Map<String, Value> model = new HashMap<>();
    SlabArena keys = index.keyArena();
    long maxGarbageOverBound = Long.MIN_VALUE;
    for (int step = 0; step < 30_000; step++) {
      int number = random.nextInt(4_000);
      String name = number + "/" + "k".repeat(200 + number % 800);
      byte[] key = name.getBytes(StandardCharsets.UTF_8);
      int hash = KeyIndex.hash(key, 0, key.length);
      int slot = index.find(hash, key, 0, key.length);
      if (slot >= 0) {
        index.remove(slot);
        model.remove(name);
      } else {
        index.insert(slot, hash, key, 0, key.length, step, 0);
        model.put(name, new Value(step, 0));
      }
      long garbage = keys.heldBytes() - keys.liveStored();
      // the empty rest of the current slab counts as garbage, and only removals clean
      long bound =
          Math.max(keys.liveStored(), SlabArena.MIN_GARBAGE_TO_CLEAN) + SlabArena.SLAB_SIZE;
      maxGarbageOverBound = Math.max(maxGarbageOverBound, garbage - bound);
    }
    assertThat(keys.cleanings()).isGreaterThan(20);
    assertThat(maxGarbageOverBound).isLessThanOrEqualTo(0);
    assertSameEntries(index, model, Hashing.REAL);
  }

  @Test
  void theHashIsFixedAndNeverZero() {
    byte[] key = "k000000000100042".getBytes(StandardCharsets.UTF_8);
    // fixed constants, no seed: the same on every run and every JVM
    assertThat(KeyIndex.hash(key, 0, key.length)).isEqualTo(KeyIndex.hash(key.clone(), 0, 16));
    byte[] framed = new byte[20];
    System.arraycopy(key, 0, framed, 3, 16);
    assertThat(KeyIndex.hash(framed, 3, 16)).isEqualTo(KeyIndex.hash(key, 0, 16));
    Set<Integer> hashes = new HashSet<>();
    for (int i = 0; i < 100_000; i++) {
      byte[] k = ("k" + (1_000_000_000L + i)).getBytes(StandardCharsets.UTF_8);
      int h = KeyIndex.hash(k, 0, k.length);
      assertThat(h).isNotZero();
      hashes.add(h & 0xFFFF); // the low bits pick the slot: they must spread too
    }
    // 100,000 keys in 65,536 buckets: a random function fills 65,536 (1 - e^-1.53), about 51,300
    assertThat(hashes.size()).isGreaterThan(50_000);
    for (int length = 0; length < 40; length++) {
      assertThat(KeyIndex.hash(new byte[length], 0, length)).isNotZero();
    }
  }

  private static void assertSameEntries(KeyIndex index, Map<String, Value> model, Hashing hashing) {
    assertThat(index.size()).isEqualTo(model.size());
    for (Map.Entry<String, Value> e : model.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      int slot = index.find(hashing.function.applyAsInt(key), key, 0, key.length);
      assertThat(slot).as("slot of %s", e.getKey()).isNotNegative();
      assertThat(index.value(slot)).isEqualTo(e.getValue().location());
      assertThat(index.valueLength(slot)).isEqualTo(e.getValue().length());
    }
    // entries() lists each key once, read through the key slabs
    long[] entries = index.entries();
    byte[][] slabs = index.keySlabs();
    Map<String, Long> listed = new HashMap<>();
    for (int i = 0; i < entries.length; i += 2) {
      byte[] slab = slabs[SlabArena.slabOf(entries[i])];
      int offset = SlabArena.offsetOf(entries[i]);
      String key =
          new String(
              slab, offset + Integer.BYTES, SlabArena.length(slab, offset), StandardCharsets.UTF_8);
      assertThat(listed.put(key, entries[i + 1])).as("listed twice: %s", key).isNull();
    }
    Map<String, Long> expected = new HashMap<>();
    model.forEach((k, v) -> expected.put(k, v.location()));
    assertThat(listed).isEqualTo(expected);
  }
}
