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
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node that accepted a slot's value and then learned it chosen writes the payload once: the
 * chosen record refers to the accepted record of the same slot and ballot (RecordFormat CHOSEN_REF,
 * docs/write-path.md). Recovery reads the value back through the reference, across crashes between
 * the records, torn references, compaction and segment deletion.
 */
class FileStorageChosenRefTest {
  private static final Ballot B = new Ballot(3, 5, 2);
  private static final int REF_RECORD = RecordFormat.OVERHEAD + RecordFormat.CHOSEN_REF_PAYLOAD;

  @TempDir Path dir;

  private FileStorage open(int segmentBytes) {
    return FileStorage.open(
        dir,
        "ref",
        1,
        FileStorageOptions.defaults().withSegmentBytes(segmentBytes).withPreallocate(false));
  }

  private FileStorage open() {
    return open(1 << 20);
  }

  static Value value(long slot, int bytes) {
    byte[] payload = new byte[bytes];
    for (int i = 0; i < bytes; i++) {
      payload[i] = (byte) (slot * 31 + i);
    }
    return new Value.Batch(List.of(new Command(1, 77, slot, payload)));
  }

  /** The bytes {@code appendChosen(slot, value)} adds to the log (in a new segment if it rolls). */
  private static long chosenBytes(FileStorage s, long slot, Value value) {
    long before = s.appendOffset();
    Path segment = s.currentSegment();
    s.appendChosen(slot, value);
    return s.currentSegment().equals(segment)
        ? s.appendOffset() - before
        : s.appendOffset() - RecordFormat.SEGMENT_HEADER;
  }

  @Test
  void aValueAcceptedThenChosenIsWrittenOnceAndReadBackThroughTheReference() {
    List<Value> values = new ArrayList<>();
    try (FileStorage s = open()) {
      for (long slot = 1; slot <= 20; slot++) {
        Value v = value(slot, 500);
        values.add(v);
        s.saveAccepted(new AcceptedEntry(slot, B, v));
        s.sync();
        // As a learner hands it: the same value the acceptor took (from the same Accept).
        assertThat(chosenBytes(s, slot, v)).isEqualTo(REF_RECORD);
      }
      s.sync();
    }
    try (FileStorage s = open()) {
      DurableState state = s.load();
      assertThat(state.chosen()).isEqualTo(values);
      assertThat(state.accepted()).hasSize(20);
      // One copy in memory too: the chosen value is the accepted entry's.
      assertThat(state.chosen().get(7)).isSameAs(state.accepted().get(7).value());
    }
  }

  @Test
  void anEqualValueFromAnotherMessageIsReferredToo() {
    try (FileStorage s = open()) {
      s.saveAccepted(new AcceptedEntry(1, B, value(1, 100)));
      assertThat(chosenBytes(s, 1, value(1, 100))).isEqualTo(REF_RECORD);
      s.sync();
    }
    try (FileStorage s = open()) {
      assertThat(s.load().chosen()).containsExactly(value(1, 100));
    }
  }

  @Test
  void aValueTheNodeDidNotAcceptOrAcceptedOtherwiseIsWrittenWhole() {
    try (FileStorage s = open()) {
      // Never accepted here (learned from the others' votes).
      assertThat(chosenBytes(s, 1, value(1, 100))).isGreaterThan(100);
      // Accepted another value of the slot.
      s.saveAccepted(new AcceptedEntry(2, B, value(99, 100)));
      assertThat(chosenBytes(s, 2, value(2, 100))).isGreaterThan(100);
      // A no-op is smaller than a reference.
      s.saveAccepted(new AcceptedEntry(3, B, Value.NOOP));
      assertThat(chosenBytes(s, 3, Value.NOOP)).isLessThan(REF_RECORD);
      s.sync();
    }
    try (FileStorage s = open()) {
      assertThat(s.load().chosen()).containsExactly(value(1, 100), value(2, 100), Value.NOOP);
    }
  }

  @Test
  void theReferenceNamesTheLastBallotTheSlotWasAcceptedAt() {
    Ballot higher = new Ballot(3, 6, 1);
    try (FileStorage s = open()) {
      s.saveAccepted(new AcceptedEntry(1, B, value(1, 100)));
      s.saveAccepted(new AcceptedEntry(1, higher, value(1, 100)));
      assertThat(chosenBytes(s, 1, value(1, 100))).isEqualTo(REF_RECORD);
      // Accepted again after it was chosen (a new leader re-proposes it): the record stays right.
      s.saveAccepted(new AcceptedEntry(1, new Ballot(3, 7, 3), value(1, 100)));
      s.sync();
    }
    try (FileStorage s = open()) {
      assertThat(s.load().chosen()).containsExactly(value(1, 100));
      assertThat(s.load().accepted().get(0).ballot()).isEqualTo(new Ballot(3, 7, 3));
    }
  }

  @Test
  void noReferenceCrossesASegment() {
    try (FileStorage s = open(4096)) {
      s.saveAccepted(new AcceptedEntry(1, B, value(1, 1000)));
      s.saveAccepted(new AcceptedEntry(2, B, value(2, 1000)));
      s.saveAccepted(new AcceptedEntry(3, B, value(3, 1000)));
      Path first = s.currentSegment();
      s.saveAccepted(new AcceptedEntry(4, B, value(4, 1000))); // rolls over
      assertThat(s.currentSegment()).isNotEqualTo(first);
      assertThat(chosenBytes(s, 1, value(1, 1000))).isGreaterThan(1000);
      assertThat(chosenBytes(s, 2, value(2, 1000))).isGreaterThan(1000);
      Path second = s.currentSegment();
      assertThat(chosenBytes(s, 3, value(3, 1000))).isGreaterThan(1000); // rolls over
      assertThat(s.currentSegment()).isNotEqualTo(second);
      // Slot 4 was accepted in the segment before: written whole, though it was accepted here.
      assertThat(chosenBytes(s, 4, value(4, 1000))).isGreaterThan(1000);
      s.saveAccepted(new AcceptedEntry(5, B, value(5, 1000)));
      assertThat(chosenBytes(s, 5, value(5, 1000))).isEqualTo(REF_RECORD);
      s.sync();
    }
    try (FileStorage s = open(4096)) {
      assertThat(s.load().chosen())
          .containsExactly(
              value(1, 1000), value(2, 1000), value(3, 1000), value(4, 1000), value(5, 1000));
    }
  }

  @Test
  void aCrashBetweenTheRecordsLosesOnlyTheChosenRecord() {
    try (FileStorage s = open()) {
      s.saveAccepted(new AcceptedEntry(1, B, value(1, 100)));
      s.sync();
      s.appendChosen(1, value(1, 100)); // never written: the node crashes first
    }
    try (FileStorage s = open()) {
      assertThat(s.load().chosen()).isEmpty();
      assertThat(s.load().accepted()).containsExactly(new AcceptedEntry(1, B, value(1, 100)));
      // The learner learns the slot again; the log goes on.
      s.appendChosen(1, value(1, 100));
      s.sync();
    }
    try (FileStorage s = open()) {
      assertThat(s.load().chosen()).containsExactly(value(1, 100));
    }
  }

  @Test
  void aTornReferenceIsTruncatedWithTheTail() throws IOException {
    long refAt;
    Path file;
    try (FileStorage s = open()) {
      s.saveAccepted(new AcceptedEntry(1, B, value(1, 100)));
      s.sync();
      refAt = s.appendOffset();
      file = s.currentSegment();
      s.appendChosen(1, value(1, 100));
      s.sync();
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(refAt + REF_RECORD - 3);
    }
    try (FileStorage s = open()) {
      assertThat(s.load().chosen()).isEmpty();
      assertThat(s.load().accepted()).hasSize(1);
    }
  }

  @Test
  void aReferenceToNoAcceptedRecordIsCorruption() throws IOException {
    long at;
    Path file;
    try (FileStorage s = open()) {
      s.saveRound(1);
      s.sync();
      at = s.appendOffset();
      file = s.currentSegment();
    }
    long number = RecordFormat.segmentNumber(file.getFileName().toString());
    ByteBuffer b = ByteBuffer.allocate(REF_RECORD).order(RecordFormat.ORDER);
    b.putInt(0).putInt(REF_RECORD - RecordFormat.RECORD_HEADER).putInt((int) at);
    b.put(RecordFormat.CHOSEN_REF).putLong(1).putInt(B.epoch()).putLong(B.round());
    b.putInt(B.nodeId());
    b.putInt(0, RecordFormat.checksum(new CRC32C(), b, 0, b.position(), number, at));
    b.flip();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(b, at);
      ch.force(true);
    }
    assertThatThrownBy(this::open)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("corrupt log")
        .hasMessageContaining("refers to its accepted value");
  }

  @Test
  void compactionAndDeletedSegmentsKeepEveryReferenceResolvable() throws IOException {
    List<Value> values = new ArrayList<>();
    try (FileStorage s = open(4096)) {
      for (long slot = 1; slot <= 40; slot++) {
        Value v = value(slot, 300);
        values.add(v);
        s.saveAccepted(new AcceptedEntry(slot, B, v));
        s.appendChosen(slot, v);
        s.sync();
        if (slot == 25) {
          s.compact(17); // deletes the segments holding slots through 17 only
          s.sync();
        }
      }
    }
    try (FileStorage s = open(4096)) {
      DurableState state = s.load();
      assertThat(state.compactedThrough()).isEqualTo(17);
      assertThat(s.segmentNumbers().get(0)).as("segments were deleted").isGreaterThan(1L);
      assertThat(state.chosen()).isEqualTo(values.subList(17, 40));
    }
  }
}
