package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Recovery on real files (docs/pitfalls.md #16): a damaged record at the tail of the last group
 * commit was never acknowledged and is truncated; damage anywhere else stops the node with an error
 * naming the file and the offset.
 */
class FileStorageRecoveryTest {
  @TempDir Path dir;

  private final List<Long> offsets = new ArrayList<>();
  private final List<Path> files = new ArrayList<>();

  private FileStorageOptions options(boolean preallocate) {
    return FileStorageOptions.defaults().withSegmentBytes(4096).withPreallocate(preallocate);
  }

  private FileStorage open(boolean preallocate) {
    return FileStorage.open(dir, "recovery", 1, options(preallocate));
  }

  static Value value(long slot, int bytes) {
    byte[] payload = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      payload[i] = (byte) (slot * 31 + i);
    }
    return new Value.Batch(List.of(new Command(1, 77, slot, payload)));
  }

  /** Append chosen slots in batches of the given sizes, syncing after each, and close. */
  private void write(boolean preallocate, int bytes, int... batches) {
    try (FileStorage s = open(preallocate)) {
      long slot = s.load().chosen().size() + 1L;
      for (int batch : batches) {
        for (int i = 0; i < batch; i++, slot++) {
          offsets.add(s.appendOffset());
          s.appendChosen(slot, value(slot, bytes));
          files.add(s.currentSegment());
        }
        s.sync();
      }
    }
  }

  private List<Value> chosenAfterReopen(boolean preallocate) {
    try (FileStorage s = open(preallocate)) {
      return s.load().chosen();
    }
  }

  private static List<Value> values(long from, long to, int bytes) {
    List<Value> values = new ArrayList<>();
    for (long slot = from; slot <= to; slot++) {
      values.add(value(slot, bytes));
    }
    return values;
  }

  private static void flip(Path file, long offset) throws IOException {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, offset);
      b.flip();
      b.put(0, (byte) (b.get(0) ^ 0x10));
      ch.write(b, offset);
    }
  }

  private static void zero(Path file, long offset, int count) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.allocate(count), offset);
    }
  }

  private void assertRefused(boolean preallocate, int slot) {
    assertThatThrownBy(() -> open(preallocate))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("corrupt log")
        .hasMessageContaining(files.get(slot - 1).toString())
        .hasMessageContaining("at offset " + offsets.get(slot - 1));
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void aFlippedByteInAMiddleRecordStopsTheNode(boolean preallocate) throws IOException {
    write(preallocate, 20, 3, 3, 3);
    flip(files.get(1), offsets.get(1) + 20);
    assertRefused(preallocate, 2);
    assertRefused(preallocate, 2); // nothing was truncated by the failed attempt
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void aDamagedLengthOrAZeroedHeaderInTheMiddleStopsTheNode(boolean preallocate)
      throws IOException {
    write(preallocate, 20, 3, 3, 3);
    flip(files.get(3), offsets.get(3) + 6); // the length field of slot 4
    assertRefused(preallocate, 4);
    flip(files.get(3), offsets.get(3) + 6);
    zero(files.get(4), offsets.get(4), 8); // slot 5 looks like the end of the log
    assertRefused(preallocate, 5);
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void aFlippedByteInTheTailRecordIsTruncated(boolean preallocate) throws IOException {
    write(preallocate, 20, 3, 3, 3);
    flip(files.get(8), offsets.get(8) + 25);
    assertThat(chosenAfterReopen(preallocate)).isEqualTo(values(1, 8, 20));
    // The log goes on after the truncation point, and what follows is read back.
    write(preallocate, 20, 2);
    assertThat(chosenAfterReopen(preallocate)).isEqualTo(values(1, 10, 20));
  }

  /**
   * Append chosen slots in groups of the given sizes, starting each group's sync without awaiting
   * its force (as the storage thread does while an earlier force runs), and close: every group was
   * written to the file, none was acknowledged.
   */
  private void writeUnforced(boolean preallocate, int bytes, int... groups) {
    try (FileStorage s = open(preallocate)) {
      long slot = s.load().chosen().size() + 1L;
      for (int group : groups) {
        for (int i = 0; i < group; i++, slot++) {
          offsets.add(s.appendOffset());
          s.appendChosen(slot, value(slot, bytes));
          files.add(s.currentSegment());
        }
        s.startSync(); // never awaited: a crash before the force returned
      }
    }
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void aTornGroupWhoseForceNeverReturnedIsTruncatedWithTheGroupsWrittenDuringIt(boolean preallocate)
      throws IOException {
    write(preallocate, 20, 3);
    writeUnforced(preallocate, 20, 3, 3);
    // Slot 4 opens a group whose force never returned; the next group was written meanwhile and
    // reached the disk intact. Neither was acknowledged: a torn tail, not corruption.
    flip(files.get(3), offsets.get(3) + 15);
    assertThat(chosenAfterReopen(preallocate)).isEqualTo(values(1, 3, 20));
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void damageToAGroupWhoseForceReturnedStopsTheNodeThoughLaterForcesRun(boolean preallocate)
      throws IOException {
    try (FileStorage s = open(preallocate)) {
      for (long slot = 1; slot <= 6; slot++) {
        offsets.add(s.appendOffset());
        s.appendChosen(slot, value(slot, 20));
        files.add(s.currentSegment());
        if (slot == 3) {
          s.startSync().await(); // slots 1-3 acknowledged
        }
      }
      s.startSync(); // slots 4-6 written, their force never returns
    }
    flip(files.get(1), offsets.get(1) + 15);
    assertRefused(preallocate, 2);
  }

  @Test
  void aForceStartedBeforeARolloverReturnsAfterIt() {
    List<Value> expected = new ArrayList<>();
    try (FileStorage s = open(true)) {
      s.appendChosen(1, value(1, 100));
      expected.add(value(1, 100));
      Storage.Force before = s.startSync();
      Path first = s.currentSegment();
      long slot = 2;
      while (s.currentSegment().equals(first)) { // fill the 4 KiB segment until it rolls over
        s.appendChosen(slot, value(slot, 100));
        expected.add(value(slot, 100));
        slot++;
      }
      before.await(); // the rollover forced and closed its segment: nothing left to do
      s.sync();
    }
    assertThat(chosenAfterReopen(true)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void aTornLastCommitIsTruncatedEvenIfLaterPartsOfItReachedTheDisk(boolean preallocate)
      throws IOException {
    write(preallocate, 20, 3, 3, 3);
    flip(files.get(6), offsets.get(6) + 15); // first record of the last commit; 8 and 9 intact
    assertThat(chosenAfterReopen(preallocate)).isEqualTo(values(1, 6, 20));
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void aPartialTailRecordIsTruncated(boolean preallocate) throws IOException {
    write(preallocate, 20, 3, 3, 3);
    for (long cut : new long[] {offsets.get(8) + 30, offsets.get(7) + 5}) {
      try (FileChannel ch = FileChannel.open(files.get(8), StandardOpenOption.WRITE)) {
        ch.truncate(cut);
      }
    }
    assertThat(chosenAfterReopen(preallocate)).isEqualTo(values(1, 7, 20));
  }

  @ParameterizedTest(name = "preallocate={0}")
  @ValueSource(booleans = {true, false})
  void damageAtTheEndOfAnEarlierSegmentStopsTheNode(boolean preallocate) throws IOException {
    write(preallocate, 1000, 2, 2, 2, 2, 2, 2);
    int lastInFirstSegment = files.lastIndexOf(files.get(0));
    assertThat(files.get(files.size() - 1)).isNotEqualTo(files.get(0));
    flip(files.get(lastInFirstSegment), offsets.get(lastInFirstSegment) + 100);
    assertRefused(preallocate, lastInFirstSegment + 1);
  }

  @Test
  void aPreallocatedSegmentEndingInFewerZerosThanARecordHeaderIsComplete() {
    // One record of 35 + 4040 bytes after the 16-byte header leaves 5 zero bytes in a 4 KiB
    // segment; the next record goes to a new segment.
    write(true, 4040, 1, 1);
    assertThat(offsets.get(0)).isEqualTo(16);
    assertThat(files.get(1)).isNotEqualTo(files.get(0));
    assertThat(chosenAfterReopen(true)).isEqualTo(values(1, 2, 4040));
  }

  @Test
  void aMissingSegmentStopsTheNode() throws IOException {
    write(true, 1000, 2, 2, 2, 2, 2, 2, 2, 2);
    List<Path> segments = segments();
    assertThat(segments.size()).isGreaterThanOrEqualTo(3);
    Files.delete(segments.get(1));
    assertThatThrownBy(() -> open(true))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining(segments.get(1).toString())
        .hasMessageContaining("missing");
  }

  @Test
  void aSegmentWhoseCreationWasCutShortIsRemoved() throws IOException {
    write(true, 20, 3);
    Path torn = dir.resolve(RecordFormat.segmentName(2));
    Files.write(torn, new byte[] {0x50, 0x58, 0x4C});
    assertThat(chosenAfterReopen(true)).isEqualTo(values(1, 3, 20));
    assertThat(torn).doesNotExist();
    write(true, 20, 1);
    assertThat(chosenAfterReopen(true)).isEqualTo(values(1, 4, 20));
  }

  @Test
  void aDamagedHeaderOfASegmentWithRecordsStopsTheNode() throws IOException {
    write(true, 20, 3, 3);
    flip(files.get(0), 9);
    assertThatThrownBy(() -> open(true))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("at offset 0");
  }

  /**
   * A crash before a sync completes: the directory as a copy taken before the sync sees it. A batch
   * larger than the write buffer is partly written already; what reaches the disk of it is a
   * prefix, never a record with a hole before it.
   */
  @Test
  void aCopyTakenBeforeTheSyncHoldsEverythingSyncedAndAPrefixOfTheRest() throws IOException {
    Path copy = Files.createDirectory(dir.resolve("copy"));
    Path data = Files.createDirectory(dir.resolve("data"));
    FileStorageOptions options =
        FileStorageOptions.defaults().withSegmentBytes(64 * 1024).withWriteBufferBytes(4096);
    try (FileStorage s = FileStorage.open(data, "recovery", 1, options)) {
      for (long slot = 1; slot <= 10; slot++) {
        s.appendChosen(slot, value(slot, 100));
      }
      s.sync();
      for (long slot = 11; slot <= 200; slot++) {
        s.appendChosen(slot, value(slot, 100));
      }
      try (Stream<Path> files = Files.list(data)) {
        for (Path f : files.toList()) {
          Files.copy(f, copy.resolve(f.getFileName()));
        }
      }
      s.sync();
    }
    try (FileStorage s = FileStorage.open(copy, "recovery", 1, options)) {
      List<Value> chosen = s.load().chosen();
      assertThat(chosen.size()).isBetween(10, 199);
      assertThat(chosen).isEqualTo(values(1, chosen.size(), 100));
    }
    try (FileStorage s = FileStorage.open(data, "recovery", 1, options)) {
      assertThat(s.load().chosen()).isEqualTo(values(1, 200, 100));
    }
  }

  private List<Path> segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".seg")).sorted().toList();
    }
  }

  /**
   * A record as {@link FileStorage} lays it out, at {@code fileOffset} of segment {@code number}.
   */
  private static ByteBuffer record(byte type, byte[] payload, long number, long fileOffset) {
    ByteBuffer b =
        ByteBuffer.allocate(RecordFormat.OVERHEAD + payload.length).order(RecordFormat.ORDER);
    b.putInt(0).putInt(5 + payload.length).putInt((int) fileOffset).put(type).put(payload);
    b.putInt(
        0,
        RecordFormat.checksum(new java.util.zip.CRC32C(), b, 0, b.position(), number, fileOffset));
    return b.flip();
  }

  /** A batch in the form logs held before BatchCodec (value tag 1), in the log's byte order. */
  private static byte[] legacyBatch(List<Command> commands) {
    return ValueCodecTest.legacyBatch(commands, RecordFormat.ORDER);
  }

  @Test
  void aLogWrittenBeforeTheOneFormRecoversAndGrowsInIt() throws IOException {
    List<Command> accepted =
        List.of(new Command(2, 0x0102_0304_0506_0708L, 9, 4, new byte[] {1, 2, 3}));
    List<Command> chosen =
        List.of(new Command(1, -1L, 1, new byte[0]), new Command(3, 77, 2, new byte[200]));
    long at;
    Path file;
    try (FileStorage s = open(false)) {
      s.saveRound(1);
      s.sync();
      at = s.appendOffset();
      file = s.currentSegment();
    }
    // Slot 1 chosen, slot 2 accepted at ballot (5, 2): as the build before wrote them.
    byte[] chosenValue = legacyBatch(chosen);
    ByteBuffer chosenPayload =
        ByteBuffer.allocate(8 + chosenValue.length).order(RecordFormat.ORDER);
    chosenPayload.putLong(1).put(chosenValue);
    byte[] acceptedValue = legacyBatch(accepted);
    ByteBuffer acceptedPayload =
        ByteBuffer.allocate(20 + acceptedValue.length).order(RecordFormat.ORDER);
    acceptedPayload.putLong(2).putLong(5).putInt(2).put(acceptedValue);
    long number = RecordFormat.segmentNumber(file.getFileName().toString());
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ByteBuffer first = record(RecordFormat.CHOSEN, chosenPayload.array(), number, at);
      long second = at + first.remaining();
      ch.write(first, at);
      ch.write(record(RecordFormat.ACCEPTED, acceptedPayload.array(), number, second), second);
      ch.force(true);
    }

    try (FileStorage s = open(false)) {
      var state = s.load();
      assertThat(state.chosen()).containsExactly(new Value.Batch(chosen));
      assertThat(state.accepted()).hasSize(1);
      assertThat(state.accepted().get(0).slot()).isEqualTo(2);
      assertThat(state.accepted().get(0).ballot())
          .isEqualTo(new io.paxos.core.protocol.Ballot(5, 2));
      assertThat(state.accepted().get(0).value().commands()).containsExactlyElementsOf(accepted);
      // The log goes on in the one form, after the old records.
      s.appendChosen(2, value(2, 10));
      s.sync();
    }
    try (FileStorage s = open(false)) {
      assertThat(s.load().chosen()).containsExactly(new Value.Batch(chosen), value(2, 10));
    }
  }
}
