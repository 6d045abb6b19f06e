package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots and compaction on real files: the atomic write, what happens to a torn temporary file
 * and to a damaged snapshot, the deletion of compacted segments, and a restart that finds a
 * snapshot and the log after it.
 */
class FileStorageSnapshotTest {
  @TempDir Path dir;

  private static final FileStorageOptions SMALL =
      FileStorageOptions.defaults().withSegmentBytes(16 * 1024).withWriteBufferBytes(4096);

  private FileStorage open() {
    return FileStorage.open(dir, "snap", 1, SMALL);
  }

  private List<String> files() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static byte[] payload(int size, long seed) {
    byte[] b = new byte[size];
    new SplittableRandom(seed).nextBytes(b);
    return b;
  }

  private static byte[] read(SnapshotStore store, SnapshotInfo info) throws Exception {
    try (InputStream in = store.open(info)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aSnapshotIsWrittenUnderItsFinalNameOnlyWhenComplete() throws Exception {
    byte[] data = payload(300_000, 1);
    try (FileStorage storage = open()) {
      try (SnapshotStore.Writer w = storage.snapshots().begin(12)) {
        w.stream().write(data, 0, 1000);
        assertThat(files()).contains("snapshot-00000000000000000012.snap.tmp");
        assertThat(files()).doesNotContain("snapshot-00000000000000000012.snap");
        w.stream().write(data, 1000, data.length - 1000);
        SnapshotInfo info = w.commit();
        assertThat(info.slot()).isEqualTo(12);
        assertThat(info.size()).isEqualTo(data.length);
      }
      assertThat(files())
          .contains("snapshot-00000000000000000012.snap")
          .noneMatch(f -> f.endsWith(".tmp"));
    }
    try (FileStorage storage = open()) {
      SnapshotInfo info = storage.snapshots().latest().orElseThrow();
      assertThat(read(storage.snapshots(), info)).isEqualTo(data);
    }
  }

  @Test
  void aPayloadIsReadFromAnyOffset() throws Exception {
    byte[] data = payload(200_000, 11);
    try (FileStorage storage = open()) {
      SnapshotInfo info = storage.snapshots().save(3, out -> out.write(data));
      for (int offset : new int[] {0, 1, 65_536, 199_999, 200_000}) {
        try (InputStream in = storage.snapshots().open(info)) {
          in.skipNBytes(offset);
          assertThat(in.readNBytes(1000))
              .isEqualTo(
                  java.util.Arrays.copyOfRange(data, offset, Math.min(offset + 1000, 200_000)));
          assertThat(in.read())
              .isEqualTo(offset + 1000 >= 200_000 ? -1 : data[offset + 1000] & 0xFF);
        }
      }
    }
  }

  @Test
  void aTornTemporaryFileIsDeletedAndThePreviousSnapshotKept() throws Exception {
    try (FileStorage storage = open()) {
      storage.snapshots().save(5, out -> out.write(payload(100, 2)));
      SnapshotStore.Writer w = storage.snapshots().begin(9);
      w.stream().write(payload(5000, 3));
      w.stream().flush();
      // the node crashes here: the writer is never committed nor closed
    }
    assertThat(files()).contains("snapshot-00000000000000000009.snap.tmp");
    try (FileStorage storage = open()) {
      assertThat(storage.snapshots().latest()).map(SnapshotInfo::slot).contains(5L);
      assertThat(files()).noneMatch(f -> f.endsWith(".tmp"));
    }
  }

  @Test
  void aSnapshotWithABadChecksumIsNotUsed() throws Exception {
    try (FileStorage storage = open()) {
      storage.snapshots().save(5, out -> out.write(payload(10_000, 4)));
    }
    // An older, intact copy next to it, as if the deletion of the old one had not happened.
    Path five = dir.resolve("snapshot-00000000000000000005.snap");
    try (FileStorage storage = open()) {
      storage.snapshots().save(8, out -> out.write(payload(10_000, 5)));
    }
    Path eight = dir.resolve("snapshot-00000000000000000008.snap");
    assertThat(five).doesNotExist();
    flipByte(eight, 5000);
    try (FileStorage storage = open()) {
      assertThat(storage.snapshots().latest()).as("a damaged snapshot is never used").isEmpty();
    }
    assertThat(eight).as("left for inspection").exists();
  }

  @Test
  void anOlderIntactSnapshotIsUsedWhenTheNewestIsDamaged() throws Exception {
    try (FileStorage storage = open()) {
      storage.snapshots().save(5, out -> out.write(payload(1000, 6)));
    }
    Path five = dir.resolve("snapshot-00000000000000000005.snap");
    Path copy = dir.resolve("copy");
    Files.copy(five, copy);
    try (FileStorage storage = open()) {
      storage.snapshots().save(8, out -> out.write(payload(1000, 7)));
    }
    Files.move(copy, five);
    Path eight = dir.resolve("snapshot-00000000000000000008.snap");
    try (FileChannel ch = FileChannel.open(eight, StandardOpenOption.WRITE)) {
      ch.truncate(ch.size() - 3); // a torn trailer
    }
    try (FileStorage storage = open()) {
      SnapshotInfo info = storage.snapshots().latest().orElseThrow();
      assertThat(info.slot()).isEqualTo(5);
      assertThat(read(storage.snapshots(), info)).isEqualTo(payload(1000, 6));
    }
  }

  @Test
  void aSnapshotOfAnotherClusterIsNotUsed() throws Exception {
    Path other = Files.createDirectory(dir.resolve("other"));
    try (FileStorage storage = FileStorage.open(other, "other-cluster", 1, SMALL)) {
      storage.snapshots().save(5, out -> out.write(payload(100, 8)));
    }
    Files.copy(
        other.resolve("snapshot-00000000000000000005.snap"),
        dir.resolve("snapshot-00000000000000000005.snap"));
    try (FileStorage storage = open()) {
      assertThat(storage.snapshots().latest()).isEmpty();
    }
  }

  @Test
  void compactionDeletesOldSegmentsAndKeepsThePromise() throws Exception {
    SplittableRandom random = new SplittableRandom(9);
    List<Value> chosen = new java.util.ArrayList<>();
    long segmentsBefore;
    try (FileStorage storage = open()) {
      storage.savePromise(new Ballot(3, 2)); // only in the first segment
      storage.saveRound(3);
      storage.sync();
      for (long slot = 1; slot <= 200; slot++) {
        Value v = StorageContractTest.value(random, 200);
        storage.saveAccepted(new AcceptedEntry(slot, new Ballot(3, 2), v));
        storage.appendChosen(slot, v);
        chosen.add(v);
        storage.sync();
      }
      segmentsBefore = storage.segmentNumbers().size();
      assertThat(segmentsBefore).isGreaterThan(5);
      storage.snapshots().save(150, out -> out.write(1));
      storage.compact(150);
      storage.sync();
      List<Long> left = storage.segmentNumbers();
      assertThat(left).hasSizeLessThan((int) segmentsBefore - 3);
      assertThat(left.get(0)).isGreaterThan(1L);
    }
    try (FileStorage storage = open()) {
      DurableState s = storage.load();
      assertThat(s.promised()).isEqualTo(new Ballot(3, 2));
      assertThat(s.maxRound()).isEqualTo(3);
      assertThat(s.compactedThrough()).isEqualTo(150);
      assertThat(s.chosen()).isEqualTo(chosen.subList(150, 200));
      assertThat(s.accepted()).hasSize(50);
      assertThat(s.accepted().get(0).slot()).isEqualTo(151);
    }
  }

  @Test
  void aSegmentHoldingASlotAboveTheCompactionIsKept() throws Exception {
    SplittableRandom random = new SplittableRandom(10);
    try (FileStorage storage = open()) {
      // An entry accepted far ahead (a pipelined slot) early in the log.
      Value ahead = StorageContractTest.value(random, 100);
      storage.saveAccepted(new AcceptedEntry(500, new Ballot(1, 1), ahead));
      storage.sync();
      for (long slot = 1; slot <= 150; slot++) {
        storage.appendChosen(slot, StorageContractTest.value(random, 200));
        storage.sync();
      }
      storage.snapshots().save(100, out -> out.write(1));
      storage.compact(100);
      storage.sync();
      assertThat(storage.segmentNumbers().get(0)).isEqualTo(1L);
    }
    try (FileStorage storage = open()) {
      assertThat(storage.load().accepted()).extracting(AcceptedEntry::slot).containsExactly(500L);
    }
  }

  @Test
  void aKeptSegmentMayStartWithAnOlderCompactionThanItsFirstChosenSlot() throws Exception {
    // The applier lags the log, so a COMPACT record can name a slot below chosen records written
    // before it, in a segment that a later compaction deletes.
    SplittableRandom random = new SplittableRandom(12);
    FileStorageOptions tiny =
        FileStorageOptions.defaults().withSegmentBytes(4096).withWriteBufferBytes(4096);
    long k = 0;
    try (FileStorage storage = FileStorage.open(dir, "snap", 1, tiny)) {
      Path first = storage.currentSegment();
      while (4096 - storage.appendOffset() >= 400 || k < 3) {
        storage.appendChosen(++k, StorageContractTest.value(random, 60));
        storage.sync();
      }
      assertThat(storage.currentSegment()).isEqualTo(first);
      // Too large for what is left: this record opens the next segment.
      storage.saveAccepted(
          new AcceptedEntry(1, new Ballot(1, 1), StorageContractTest.value(random, 1000)));
      storage.sync();
      assertThat(storage.currentSegment()).isNotEqualTo(first);
      storage.snapshots().save(k - 2, out -> out.write(1));
      storage.compact(k - 2);
      for (int i = 1; i <= 5; i++) {
        storage.appendChosen(k + i, StorageContractTest.value(random, 60));
      }
      storage.sync();
      storage.snapshots().save(k + 1, out -> out.write(2));
      storage.compact(k + 1);
      storage.sync();
      assertThat(storage.segmentNumbers()).doesNotContain(1L);
    }
    try (FileStorage storage = FileStorage.open(dir, "snap", 1, tiny)) {
      DurableState s = storage.load();
      assertThat(s.compactedThrough()).isEqualTo(k + 1);
      assertThat(s.nextChosenSlot()).isEqualTo(k + 6);
      assertThat(s.chosen()).hasSize(4);
    }
  }

  private static void flipByte(Path file, long at) throws Exception {
    try (FileChannel ch =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, at);
      b.put(0, (byte) (b.get(0) ^ 0x40)).rewind();
      ch.write(b, at);
    }
  }
}
