package io.paxos.examples.kv;

import static io.paxos.examples.kv.SnapshotBytes.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The slab-at-a-time cleaner under W1's shape (small keys, 100-byte values, uniform overwrites):
 * garbage stays bounded, cleaning copies far fewer bytes than are written, values and keys moved by
 * it stay correct, and a snapshot taken before any number of cleanings still writes what it held.
 */
class KeyValueStoreCleaningTest {
  private static final int KEYS = 20_000;
  private static final int VALUE = 100;

  @Test
  void garbageStaysBelowTheLiveBytesAndCleaningCopiesLittle() {
    KeyValueStore store = new KeyValueStore();
    SplittableRandom random = new SplittableRandom(1);
    Map<String, byte[]> model = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      put(store, model, key(i), value(random));
    }
    SlabArena values = store.valueArena();
    long appended = 0;
    long maxExcess = Long.MIN_VALUE;
    for (int i = 0; i < 40 * KEYS; i++) {
      put(store, model, key(random.nextInt(KEYS)), value(random));
      appended += Integer.BYTES + VALUE + Integer.BYTES; // length, value, hash
      long garbage = values.heldBytes() - values.liveStored();
      long bound = Math.max(values.liveStored(), SlabArena.MIN_GARBAGE_TO_CLEAN);
      maxExcess = Math.max(maxExcess, garbage - bound);
    }
    assertThat(values.liveStored()).isGreaterThan(8L * SlabArena.SLAB_SIZE); // above the minimum
    assertThat(maxExcess).isLessThanOrEqualTo(0); // garbage <= max(live, minimum), every command
    assertThat(store.compactions()).isGreaterThan(100);
    // copying everything live whenever garbage exceeds live copies as much as is written; the
    // emptiest slabs first copy well under half of it
    assertThat(values.movedBytes()).isLessThan(appended / 2);
    assertSameValues(store, model);
  }

  @Test
  void aSnapshotTakenBeforeManyCleaningsWritesWhatItHeld() throws IOException {
    KeyValueStore store = new KeyValueStore();
    SplittableRandom random = new SplittableRandom(2);
    Map<String, byte[]> model = new HashMap<>();
    for (int i = 0; i < KEYS; i++) {
      put(store, model, key(i), value(random));
    }
    for (int i = 0; i < 3 * KEYS; i++) {
      put(store, model, key(random.nextInt(KEYS)), value(random));
    }
    StateMachine.Snapshot snapshot = store.snapshot();
    byte[] atCapture = write(snapshot);
    Map<String, byte[]> modelAtCapture = new HashMap<>(model);
    byte[][] valueSlabsAtCapture = store.valueArena().slabs();
    long keyCleaningsAtCapture = store.keyIndex().keyArena().cleanings();

    // overwrites clean every value slab of the capture many times over; deleting long keys and
    // putting them back cleans key slabs too
    for (int i = 0; i < 30 * KEYS; i++) {
      int k = random.nextInt(KEYS);
      if (random.nextInt(8) == 0) {
        String longKey = "long/" + k + "/" + "k".repeat(500);
        if (model.containsKey(longKey)) {
          store.apply(KvCommand.delete(longKey).encode());
          model.remove(longKey);
        } else {
          put(store, model, longKey, value(random));
        }
      } else {
        put(store, model, key(k), value(random));
      }
    }
    // every value slab of the capture was cleaned and dropped (its number possibly reused)
    Set<byte[]> held = Collections.newSetFromMap(new IdentityHashMap<>());
    held.addAll(Arrays.asList(store.valueArena().slabs()));
    for (byte[] slab : valueSlabsAtCapture) {
      assertThat(slab == null || !held.contains(slab)).isTrue();
    }
    assertThat(store.keyIndex().keyArena().cleanings()).isGreaterThan(keyCleaningsAtCapture + 10);
    assertSameValues(store, model);

    assertThat(write(snapshot)).isEqualTo(atCapture);
    KeyValueStore restored = new KeyValueStore();
    restored.restore(new ByteArrayInputStream(atCapture));
    assertSameValues(restored, modelAtCapture);
  }

  // --- helpers ---

  private static String key(int i) {
    return "k" + (1_000_000_000_000_000L + i); // 20 bytes
  }

  private static byte[] value(SplittableRandom random) {
    byte[] value = new byte[VALUE];
    random.nextBytes(value);
    return value;
  }

  private static void put(
      KeyValueStore store, Map<String, byte[]> model, String key, byte[] value) {
    store.applyWithoutResult(KvCommand.put(key, value).encode());
    model.put(key, value);
  }

  private static void assertSameValues(KeyValueStore store, Map<String, byte[]> model) {
    assertThat(store.size()).isEqualTo(model.size());
    for (Map.Entry<String, byte[]> e : model.entrySet()) {
      assertThat(store.get(e.getKey()))
          .as("value of %s", e.getKey())
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(e.getValue()));
    }
  }
}
