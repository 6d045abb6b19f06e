package io.paxos.examples.kv;

import static io.paxos.examples.kv.SnapshotBytes.write;
import static io.paxos.examples.kv.SnapshotBytes.writeInt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.paxos.core.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;

/**
 * The store against a plain map model, through overwrites, large values, slab rollover and
 * compactions: what {@link KeyValueStoreTest} checks of the behaviour, here checked where the value
 * arena could break it.
 */
class KeyValueStoreArenaTest {
  private static final int SLAB = SlabArena.SLAB_SIZE;

  @Test
  void randomCommandsMatchAMapModel() {
    SplittableRandom random = new SplittableRandom(7_2024L);
    KeyValueStore store = new KeyValueStore();
    Map<String, byte[]> model = new HashMap<>();
    for (int step = 0; step < 4_000; step++) {
      String key = "k" + random.nextInt(40);
      int kind = random.nextInt(10);
      byte[] command;
      byte[] expected;
      if (kind < 6) {
        byte[] value = randomValue(random);
        command = KvCommand.put(key, value).encode();
        expected = found(model.put(key, value));
      } else if (kind < 8) {
        command = KvCommand.delete(key).encode();
        expected = found(model.remove(key));
      } else {
        command = KvCommand.get(key).encode();
        expected = found(model.get(key));
      }
      assertThat(store.apply(command)).as("step %d", step).isEqualTo(expected);
      if (step % 250 == 0) {
        assertSameState(store, model);
      }
    }
    assertSameState(store, model);
    assertThat(store.compactions()).isGreaterThanOrEqualTo(3);
  }

  @Test
  void aSnapshotKeepsTheStateOfItsCaptureThroughOverwritesDeletesAndCompactions()
      throws IOException {
    SplittableRandom random = new SplittableRandom(11);
    KeyValueStore store = new KeyValueStore();
    Map<String, byte[]> model = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      String key = "k" + random.nextInt(60);
      byte[] value = randomValue(random);
      store.apply(KvCommand.put(key, value).encode());
      model.put(key, value);
    }
    Map<String, byte[]> atCapture = new HashMap<>(model);
    String hashAtCapture = store.stateHash();
    StateMachine.Snapshot snapshot = store.snapshot();

    long compactionsAtCapture = store.compactions();
    for (int i = 0; i < 3_000; i++) {
      String key = "k" + random.nextInt(80);
      if (random.nextInt(4) == 0) {
        store.apply(KvCommand.delete(key).encode());
        model.remove(key);
      } else {
        byte[] value = randomValue(random);
        store.apply(KvCommand.put(key, value).encode());
        model.put(key, value);
      }
    }
    assertThat(store.compactions()).isGreaterThanOrEqualTo(compactionsAtCapture + 2);
    assertSameState(store, model);

    KeyValueStore restored = new KeyValueStore();
    restored.restore(new ByteArrayInputStream(write(snapshot)));
    assertSameState(restored, atCapture);
    assertThat(restored.stateHash()).isEqualTo(hashAtCapture).isEqualTo(expectedHash(atCapture));
    // written again, later: the same bytes
    assertThat(write(snapshot)).isEqualTo(write(reference(atCapture).snapshot()));
  }

  @Test
  void applyWithoutResultChangesTheStateExactlyAsApply() {
    SplittableRandom random = new SplittableRandom(5);
    KeyValueStore answered = new KeyValueStore();
    KeyValueStore silent = new KeyValueStore();
    for (int i = 0; i < 3_000; i++) {
      byte[] command = randomCommand(random);
      answered.apply(command);
      silent.applyWithoutResult(command);
      if (i % 500 == 0) {
        assertThat(silent.stateHash()).isEqualTo(answered.stateHash());
      }
    }
    assertThat(silent.stateHash()).isEqualTo(answered.stateHash());
    assertThat(silent.size()).isEqualTo(answered.size()).isPositive();
    assertThat(silent.heldBytes()).isEqualTo(answered.heldBytes());
  }

  @Test
  void applyWithoutResultIgnoresMalformedCommands() {
    KeyValueStore store = new KeyValueStore();
    store.applyWithoutResult(KvCommand.put("a", "1").encode());
    String before = store.stateHash();
    List<byte[]> malformed =
        List.of(
            new byte[0],
            new byte[] {0x42},
            new byte[] {0x01},
            new byte[] {0x01, 0x09, 'a'},
            new byte[] {0x01, 0x01, 'a', 0x05, '1'},
            new byte[] {0x01, 0x01, 'a', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F},
            new byte[] {0x02, 0x01, 'a', 0x00},
            new byte[] {0x01, 0x01, (byte) 0xFF, 0x00},
            new byte[] {0x01, 0x01, 'a', 0x01, '2', 0x00});
    for (byte[] bad : malformed) {
      assertThatCode(() -> store.applyWithoutResult(bad)).doesNotThrowAnyException();
    }
    SplittableRandom random = new SplittableRandom(9);
    for (int i = 0; i < 2_000; i++) {
      byte[] garbage = new byte[random.nextInt(12)];
      random.nextBytes(garbage);
      if (garbage.length > 0 && random.nextBoolean()) {
        garbage[0] = (byte) (1 + random.nextInt(3)); // a valid tag, mostly with malformed fields
      }
      if (isWellFormed(garbage)) {
        continue;
      }
      assertThatCode(() -> store.applyWithoutResult(garbage)).doesNotThrowAnyException();
    }
    assertThat(store.stateHash()).isEqualTo(before);
    assertThat(store.get("a")).hasValueSatisfying(v -> assertThat(v).containsExactly('1'));
  }

  @Test
  void compactionBoundsTheMemoryHeldForOverwrittenValues() {
    KeyValueStore store = new KeyValueStore();
    SplittableRandom random = new SplittableRandom(3);
    int keys = 8;
    int valueSize = 1_000;
    long live = (long) keys * (valueSize + Integer.BYTES);
    long written = 0;
    long maxHeld = 0;
    while (written < 1_000 * live) {
      byte[] value = new byte[valueSize];
      random.nextBytes(value);
      store.apply(KvCommand.put("key" + random.nextInt(keys), value).encode());
      written += value.length;
      maxHeld = Math.max(maxHeld, store.heldBytes());
    }
    assertThat(store.size()).isEqualTo(keys);
    assertThat(store.liveBytes()).isEqualTo(live);
    // garbage stays below max(live, 4 slabs) after every command (here slabs whose values were all
    // overwritten are simply dropped, before any compaction is needed)
    assertThat(maxHeld).isLessThanOrEqualTo(live + 4L * SLAB + SLAB + valueSize + Integer.BYTES);

    // with live bytes above the minimum and overwrites spread over all keys, every slab keeps some
    // live values: compactions bound the held bytes to twice the live bytes
    KeyValueStore big = new KeyValueStore();
    int bigKeys = 2_000;
    long bigLive = (long) bigKeys * (valueSize + Integer.BYTES);
    for (int i = 0; i < bigKeys; i++) {
      big.apply(KvCommand.put("key" + i, new byte[valueSize]).encode());
    }
    long maxBigHeld = 0;
    for (long w = 0; w < 50 * bigLive; w += valueSize) {
      byte[] value = new byte[valueSize];
      random.nextBytes(value);
      big.apply(KvCommand.put("key" + random.nextInt(bigKeys), value).encode());
      maxBigHeld = Math.max(maxBigHeld, big.heldBytes());
    }
    assertThat(big.liveBytes()).isEqualTo(bigLive);
    assertThat(big.compactions()).isGreaterThanOrEqualTo(10);
    assertThat(maxBigHeld).isLessThanOrEqualTo(2 * bigLive + 2L * SLAB);
  }

  @Test
  void releasedLargeValuesAreLetGoAtOnce() {
    KeyValueStore store = new KeyValueStore();
    for (int i = 0; i < 20; i++) {
      store.apply(KvCommand.put("big", new byte[3 * SLAB + i]).encode());
      assertThat(store.heldBytes()).isEqualTo(3L * SLAB + i + Integer.BYTES);
    }
    store.apply(KvCommand.delete("big").encode());
    assertThat(store.heldBytes()).isZero();
    assertThat(store.size()).isZero();
  }

  // --- helpers ---

  /** Mostly small values, some of a quarter slab or more, some of up to three slabs. */
  private static byte[] randomValue(SplittableRandom random) {
    int kind = random.nextInt(20);
    int size;
    if (kind == 0) {
      size = random.nextInt(3 * SLAB + 1);
    } else if (kind == 1) {
      size = SlabArena.LARGE - Integer.BYTES + random.nextInt(-2, 3); // around the threshold
    } else if (kind < 8) {
      size = random.nextInt(SLAB / 8);
    } else {
      size = random.nextInt(64);
    }
    byte[] value = new byte[size];
    random.nextBytes(value);
    return value;
  }

  private static byte[] randomCommand(SplittableRandom random) {
    String key = "k" + random.nextInt(50);
    int kind = random.nextInt(10);
    if (kind < 6) {
      return KvCommand.put(key, randomValue(random)).encode();
    } else if (kind < 8) {
      return KvCommand.delete(key).encode();
    } else if (kind < 9) {
      return KvCommand.get(key).encode();
    }
    byte[] garbage = new byte[random.nextInt(6)];
    random.nextBytes(garbage);
    return garbage;
  }

  private static byte[] found(byte[] value) {
    return value == null ? KvResult.NOT_FOUND.encode() : new KvResult.Found(value).encode();
  }

  private static void assertSameState(KeyValueStore store, Map<String, byte[]> model) {
    assertThat(store.size()).isEqualTo(model.size());
    for (Map.Entry<String, byte[]> e : model.entrySet()) {
      assertThat(store.get(e.getKey()))
          .as("value of %s", e.getKey())
          .hasValueSatisfying(v -> assertThat(v).isEqualTo(e.getValue()));
    }
    assertThat(store.stateHash()).isEqualTo(expectedHash(model));
    long live = 0;
    for (byte[] v : model.values()) {
      live += Integer.BYTES + v.length;
    }
    assertThat(store.liveBytes()).isEqualTo(live);
    assertThat(store.heldBytes()).isGreaterThanOrEqualTo(live);
  }

  private static KeyValueStore reference(Map<String, byte[]> model) {
    KeyValueStore store = new KeyValueStore();
    for (Map.Entry<String, byte[]> e : new TreeMap<>(model).entrySet()) {
      store.apply(KvCommand.put(e.getKey(), e.getValue()).encode());
    }
    return store;
  }

  /**
   * The hash of the model written in the documented snapshot format, independently of the store.
   */
  private static String expectedHash(Map<String, byte[]> model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TreeMap<String, byte[]> sorted = new TreeMap<>(model);
    writeInt(out, 0x4B565331);
    writeInt(out, sorted.size());
    for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
      byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
      writeInt(out, key.length);
      out.writeBytes(key);
      writeInt(out, e.getValue().length);
      out.writeBytes(e.getValue());
    }
    CRC32C crc = new CRC32C();
    crc.update(out.toByteArray());
    writeInt(out, (int) crc.getValue());
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(out.toByteArray()));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean isWellFormed(byte[] command) {
    try {
      KvCommand.decode(command);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
