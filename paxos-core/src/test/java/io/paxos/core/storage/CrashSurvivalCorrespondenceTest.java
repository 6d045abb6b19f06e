package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link InMemoryStorage#crash(int)} is the in-memory model of a real crash of {@link FileStorage}:
 * keeping the first k unsynced writes recovers exactly the state that {@link FileStorage} recovers
 * from a log whose last group commit reached the disk up to record k and was torn there (cut off,
 * or zeroed with later records of the commit intact). Random histories of every record type, every
 * k.
 */
class CrashSurvivalCorrespondenceTest {
  private static final FileStorageOptions OPTIONS =
      FileStorageOptions.defaults().withPreallocate(false).withWriteBufferBytes(4096);

  @TempDir Path dir;
  private int runs;

  /** One write call, made the same way on either storage. */
  private record Write(String what, Consumer<Storage> call) {
    @Override
    public String toString() {
      return what;
    }
  }

  @Test
  @DisplayName(
      "InMemoryStorage.crash(k) loads what FileStorage recovers when the unsynced batch reached"
          + " the disk up to a torn record k")
  void aSurvivingPrefixRecoversAsATornLog() throws IOException {
    for (long seed = 1; seed <= 12; seed++) {
      SplittableRandom random = new SplittableRandom(seed);
      long[] nextChosen = {1};
      List<Write> synced = writes(random, 1, 1 + random.nextInt(6), nextChosen);
      List<Write> unsynced = writes(random, 100, 1 + random.nextInt(10), nextChosen);
      for (int k = 0; k <= unsynced.size(); k++) {
        DurableState inMemory = inMemoryCrash(synced, unsynced, k);
        DurableState onDisk = tornLogRecovery(synced, unsynced, k, random);
        assertThat(onDisk)
            .as("seed %d, synced %s, unsynced %s, %d survive", seed, synced, unsynced, k)
            .isEqualTo(inMemory);
      }
    }
  }

  @Test
  @DisplayName("crash(k) keeps exactly the first k unsynced writes, in order; crash() keeps none")
  void crashKeepsAPrefixInWriteOrder() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.saveAccepted(entry(1, 1, 1));
    storage.sync();
    storage.savePromise(new Ballot(5, 2));
    storage.saveAccepted(entry(1, 5, 2));
    storage.appendChosen(1, value(2));
    storage.saveRound(9);
    assertThat(storage.unsyncedWrites()).isEqualTo(4);

    DurableState state = storage.crash(2).load();

    assertThat(state)
        .isEqualTo(new DurableState(new Ballot(5, 2), List.of(entry(1, 5, 2)), 0, List.of()));
    assertThat(storage.unsyncedWrites()).isZero();
    storage.appendChosen(1, value(3));
    storage.saveRound(4);
    assertThat(storage.crash().load()).isEqualTo(state);
  }

  @Test
  @DisplayName("crash(k) refuses more survivors than there are unsynced writes")
  void crashRefusesTooManySurvivors() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.saveRound(1);
    assertThatThrownBy(() -> storage.crash(2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot keep 2 of 1 unsynced writes");
    assertThatThrownBy(() -> storage.crash(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  private static DurableState inMemoryCrash(List<Write> synced, List<Write> unsynced, int k) {
    InMemoryStorage storage = new InMemoryStorage();
    synced.forEach(w -> w.call().accept(storage));
    storage.sync();
    unsynced.forEach(w -> w.call().accept(storage));
    return storage.crash(k).load();
  }

  /**
   * Write both batches to a fresh log and sync them, then damage the last one from record {@code k}
   * on as a crash during its sync could have left it, and recover.
   */
  private DurableState tornLogRecovery(
      List<Write> synced, List<Write> unsynced, int k, SplittableRandom random) throws IOException {
    Path data = Files.createDirectory(dir.resolve("run-" + runs++));
    long[] offsets = new long[unsynced.size() + 1];
    Path segment;
    try (FileStorage storage = FileStorage.open(data, "correspondence", 1, OPTIONS)) {
      synced.forEach(w -> w.call().accept(storage));
      storage.sync();
      for (int i = 0; i < unsynced.size(); i++) {
        offsets[i] = storage.appendOffset();
        unsynced.get(i).call().accept(storage);
      }
      offsets[unsynced.size()] = storage.appendOffset();
      segment = storage.currentSegment();
      storage.sync();
    }
    if (k < unsynced.size()) {
      long tornAt = offsets[k] + random.nextLong(offsets[k + 1] - offsets[k]);
      try (FileChannel ch =
          FileChannel.open(segment, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
        if (random.nextBoolean()) {
          ch.truncate(tornAt); // nothing after the torn point reached the disk
        } else {
          // The torn record's tail holds other bytes (whatever the sectors held before), yet later
          // records of the commit reached the disk.
          ByteBuffer tail = ByteBuffer.allocate((int) (offsets[k + 1] - tornAt));
          ch.read(tail, tornAt);
          for (int i = 0; i < tail.limit(); i++) {
            tail.put(i, (byte) (tail.get(i) ^ 0xA5));
          }
          ch.write(tail.flip(), tornAt);
        }
      }
    }
    try (FileStorage storage = FileStorage.open(data, "correspondence", 1, OPTIONS)) {
      return storage.load();
    }
  }

  /**
   * {@code count} random writes of every type; chosen slots continue from {@code nextChosen[0]},
   * which is left at the slot after the last one.
   */
  private static List<Write> writes(
      SplittableRandom random, int firstTag, int count, long[] nextChosen) {
    List<Write> writes = new ArrayList<>();
    // The tag of the last value accepted per slot: a chosen slot often takes it, as on a node that
    // accepted the value it then learned (FileStorage then writes a reference to the record).
    java.util.Map<Long, Integer> acceptedTags = new java.util.HashMap<>();
    for (int i = 0; i < count; i++) {
      int tag = firstTag + i;
      long round = 1 + random.nextInt(20);
      int node = 1 + random.nextInt(3);
      long slot = 1 + random.nextInt(4);
      switch (random.nextInt(4)) {
        case 0:
          writes.add(
              new Write(
                  "promise " + round + "." + node, s -> s.savePromise(new Ballot(round, node))));
          break;
        case 1:
          writes.add(new Write("round " + round, s -> s.saveRound(round)));
          break;
        case 2:
          long acceptedSlot = random.nextBoolean() ? slot : nextChosen[0];
          acceptedTags.put(acceptedSlot, tag);
          writes.add(
              new Write(
                  "accepted " + acceptedSlot + "@" + round + " #" + tag,
                  s -> s.saveAccepted(entry(acceptedSlot, round, tag))));
          break;
        default:
          long chosenSlot = nextChosen[0]++;
          int chosenTag = random.nextBoolean() ? acceptedTags.getOrDefault(chosenSlot, tag) : tag;
          writes.add(
              new Write(
                  "chosen " + chosenSlot + " #" + chosenTag,
                  s -> s.appendChosen(chosenSlot, value(chosenTag))));
      }
    }
    return writes;
  }

  private static Value value(int tag) {
    return new Value.Batch(List.of(new Command(1, 5, tag, new byte[] {(byte) tag, 7})));
  }

  private static AcceptedEntry entry(long slot, long round, int tag) {
    return new AcceptedEntry(slot, new Ballot(round, 2), value(tag));
  }
}
