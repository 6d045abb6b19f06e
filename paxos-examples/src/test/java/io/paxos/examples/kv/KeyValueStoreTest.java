package io.paxos.examples.kv;

import static io.paxos.examples.kv.SnapshotBytes.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.StateMachine;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KeyValueStoreTest {

  private final KeyValueStore store = new KeyValueStore();

  private KvResult apply(KvCommand command) {
    return KvResult.decode(store.apply(command.encode()));
  }

  private KvResult query(KvCommand command) {
    return KvResult.decode(store.query(command.encode()));
  }

  private static KvResult.Found found(String value) {
    return new KvResult.Found(value.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void putReturnsThePreviousValue() {
    assertThat(apply(KvCommand.put("a", "1"))).isEqualTo(KvResult.NOT_FOUND);
    assertThat(apply(KvCommand.put("a", "2"))).isEqualTo(found("1"));
    assertThat(query(KvCommand.get("a"))).isEqualTo(found("2"));
    assertThat(store.size()).isEqualTo(1);
  }

  @Test
  void deleteReturnsTheRemovedValue() {
    apply(KvCommand.put("a", "1"));
    assertThat(apply(KvCommand.delete("a"))).isEqualTo(found("1"));
    assertThat(apply(KvCommand.delete("a"))).isEqualTo(KvResult.NOT_FOUND);
    assertThat(query(KvCommand.get("a"))).isEqualTo(KvResult.NOT_FOUND);
    assertThat(store.size()).isZero();
  }

  @Test
  void getThroughTheLogReadsWithoutChangingTheState() {
    apply(KvCommand.put("a", "1"));
    String before = store.stateHash();
    assertThat(apply(KvCommand.get("a"))).isEqualTo(found("1"));
    assertThat(apply(KvCommand.get("b"))).isEqualTo(KvResult.NOT_FOUND);
    assertThat(store.stateHash()).isEqualTo(before);
  }

  @Test
  void queriesMustBeGets() {
    String before = store.stateHash();
    KvResult result = query(KvCommand.put("a", "1"));
    assertThat(result).isInstanceOf(KvResult.Error.class);
    assertThat(((KvResult.Error) result).message()).contains("PUT changes the state");
    assertThat(query(KvCommand.delete("a"))).isInstanceOf(KvResult.Error.class);
    assertThat(store.size()).isZero();
    assertThat(store.stateHash()).isEqualTo(before);
  }

  @Test
  void malformedCommandsYieldAnErrorResultAndChangeNothing() {
    apply(KvCommand.put("a", "1"));
    String before = store.stateHash();
    List<byte[]> malformed =
        List.of(
            new byte[0],
            new byte[] {0x42},
            new byte[] {0x01, 0x09, 'a'},
            new byte[] {0x02, 0x01, 'a', 0x00},
            new byte[] {0x01, 0x01, (byte) 0xFF, 0x00},
            new byte[] {0x01, 0x01, 'a', 0x01, '2', 0x00}); // a PUT with a byte left over
    for (byte[] bad : malformed) {
      KvResult result = KvResult.decode(store.apply(bad));
      assertThat(result).as(Arrays.toString(bad)).isInstanceOf(KvResult.Error.class);
      assertThat(((KvResult.Error) result).message()).startsWith("malformed KV command");
      assertThat(KvResult.decode(store.query(bad))).isInstanceOf(KvResult.Error.class);
    }
    assertThat(store.stateHash()).isEqualTo(before);
    assertThat(query(KvCommand.get("a"))).isEqualTo(found("1"));
  }

  @Test
  void commandBytesAreNotChangedByApply() {
    byte[] command = KvCommand.put("a", "1").encode();
    byte[] copy = command.clone();
    store.apply(command);
    assertThat(command).isEqualTo(copy);
  }

  @Test
  void snapshotRestoreRoundTrip() throws IOException {
    apply(KvCommand.put("b", "2"));
    apply(KvCommand.put("a", "1"));
    apply(KvCommand.put("ключ", new byte[] {0, (byte) 0xFF}));
    apply(KvCommand.put("empty", new byte[0]));
    String hash = store.stateHash();

    KeyValueStore replica = new KeyValueStore();
    replica.apply(KvCommand.put("stale", "x").encode());
    replica.restore(new ByteArrayInputStream(write(store.snapshot())));

    assertThat(replica.stateHash()).isEqualTo(hash);
    assertThat(replica.size()).isEqualTo(4);
    assertThat(replica.get("stale")).isEmpty();
    assertThat(replica.get("ключ")).hasValueSatisfying(v -> assertThat(v).containsExactly(0, 0xFF));
    assertThat(KvResult.decode(replica.query(KvCommand.get("a").encode()))).isEqualTo(found("1"));
  }

  @Test
  void aSnapshotLargerThanTheWriteBufferRoundTrips() throws IOException {
    java.util.SplittableRandom random = new java.util.SplittableRandom(3);
    for (int i = 0; i < 5_000; i++) {
      byte[] value = new byte[random.nextInt(300)];
      random.nextBytes(value);
      apply(KvCommand.put("key-" + random.nextInt(1_000_000), value));
    }
    byte[] large = new byte[200_000]; // longer than the buffer: split over several writes
    random.nextBytes(large);
    apply(KvCommand.put("large", large));
    String hash = store.stateHash();

    KeyValueStore replica = new KeyValueStore();
    replica.restore(new ByteArrayInputStream(write(store.snapshot())));

    assertThat(replica.stateHash()).isEqualTo(hash);
    assertThat(replica.size()).isEqualTo(store.size());
    assertThat(replica.get("large")).hasValueSatisfying(v -> assertThat(v).isEqualTo(large));
  }

  @Test
  void emptyStoreRoundTrips() throws IOException {
    KeyValueStore replica = new KeyValueStore();
    replica.apply(KvCommand.put("x", "1").encode());
    replica.restore(new ByteArrayInputStream(write(store.snapshot())));
    assertThat(replica.size()).isZero();
    assertThat(replica.stateHash()).isEqualTo(new KeyValueStore().stateHash());
  }

  @Test
  void snapshotCapturesTheStateAtTheTimeItIsTaken() throws IOException {
    apply(KvCommand.put("a", "1"));
    String hashAtSnapshot = store.stateHash();
    StateMachine.Snapshot snapshot = store.snapshot();
    apply(KvCommand.put("a", "2"));
    apply(KvCommand.put("b", "3"));

    KeyValueStore replica = new KeyValueStore();
    replica.restore(new ByteArrayInputStream(write(snapshot)));
    assertThat(replica.stateHash()).isEqualTo(hashAtSnapshot).isNotEqualTo(store.stateHash());
    assertThat(replica.get("a")).hasValueSatisfying(v -> assertThat(v).containsExactly('1'));
  }

  @Test
  void corruptSnapshotsAreRefusedAndKeepTheState() throws IOException {
    apply(KvCommand.put("a", "1"));
    apply(KvCommand.put("b", "2"));
    byte[] good = write(store.snapshot());
    KeyValueStore replica = new KeyValueStore();
    replica.apply(KvCommand.put("mine", "0").encode());
    String before = replica.stateHash();

    byte[] flipped = good.clone();
    flipped[12] ^= 0x01; // a byte of the first key
    assertThatThrownBy(() -> replica.restore(new ByteArrayInputStream(flipped)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("CRC32C");
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> replica.restore(new ByteArrayInputStream(truncated)))
        .isInstanceOf(EOFException.class);
    byte[] notASnapshot = "hello, world".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> replica.restore(new ByteArrayInputStream(notASnapshot)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a KeyValueStore snapshot");

    assertThat(replica.stateHash()).isEqualTo(before);
  }

  @Test
  void stateHashDependsOnContentsNotOnHistory() {
    KeyValueStore one = new KeyValueStore();
    KeyValueStore two = new KeyValueStore();
    for (String k : List.of("c", "a", "b")) {
      one.apply(KvCommand.put(k, k + "!").encode());
    }
    for (String k : List.of("b", "x", "c", "a")) {
      two.apply(KvCommand.put(k, k + "!").encode());
    }
    assertThat(two.stateHash()).isNotEqualTo(one.stateHash());
    two.apply(KvCommand.delete("x").encode());
    assertThat(two.stateHash()).isEqualTo(one.stateHash()).hasSize(64);
    one.apply(KvCommand.put("a", "changed").encode());
    assertThat(two.stateHash()).isNotEqualTo(one.stateHash());
  }

  @Test
  void replicasApplyingTheSameCommandsAgreeOnEveryResultAndTheFinalHash() {
    List<byte[]> log = randomWorkload(new SplittableRandom(20_240_611L), 2_000);
    KeyValueStore one = new KeyValueStore();
    KeyValueStore two = new KeyValueStore();
    for (byte[] command : log) {
      assertThat(two.apply(command)).isEqualTo(one.apply(command));
    }
    assertThat(two.stateHash()).isEqualTo(one.stateHash());
    assertThat(one.size()).isPositive();
  }

  /** Puts, deletes, gets and some garbage over a small key space, from a seed. */
  private static List<byte[]> randomWorkload(SplittableRandom random, int n) {
    List<byte[]> log = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String key = "k" + random.nextInt(50);
      int kind = random.nextInt(10);
      if (kind < 5) {
        byte[] value = new byte[random.nextInt(40)];
        random.nextBytes(value);
        log.add(KvCommand.put(key, value).encode());
      } else if (kind < 8) {
        log.add(KvCommand.delete(key).encode());
      } else if (kind < 9) {
        log.add(KvCommand.get(key).encode());
      } else {
        byte[] garbage = new byte[random.nextInt(6)];
        random.nextBytes(garbage);
        log.add(garbage);
      }
    }
    return log;
  }
}
