package io.paxos.examples.rowa;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's rules and its log: idempotence by slot, refusals, and recovery after a crash. */
class RowaStoreTest {
  @TempDir Path dir;

  static Txn put(long slot, String key, String value) {
    return new Txn(
        slot, List.of(new Txn.Write(key, Optional.of(value.getBytes(StandardCharsets.UTF_8)))));
  }

  private RowaStore open() throws IOException {
    return RowaStore.open(dir, CrashPoints.none());
  }

  private long logLines() throws IOException {
    return Files.readAllLines(dir.resolve(StoreLog.FILE_NAME)).size();
  }

  @Test
  void prepareThenCommitApplies() throws IOException {
    try (RowaStore s = open()) {
      assertThat(s.prepare(0, put(3, "k", "v"))).isEqualTo("YES 3");
      assertThat(s.read("k")).isEqualTo("NOT_FOUND 0"); // in doubt is not visible
      assertThat(s.commit(3)).isEqualTo("OK 3 committed");
      assertThat(s.read("k")).isEqualTo("VALUE 3 dg=="); // base64 of "v"
      assertThat(s.status()).startsWith("STATUS committed 3 in-doubt - keys 1 hash ");
    }
  }

  @Test
  void aCommitTwiceIsANoOpAndAPrepareOfACommittedSlotSaysSo() throws IOException {
    try (RowaStore s = open()) {
      s.prepare(0, put(1, "k", "v1"));
      s.commit(1);
      s.prepare(1, put(2, "k", "v2"));
      s.commit(2);
      long lines = logLines();
      String hash = s.stateHash();

      assertThat(s.commit(1)).isEqualTo("OK 1 already committed");
      assertThat(s.commit(2)).isEqualTo("OK 2 already committed");
      assertThat(s.prepare(0, put(1, "k", "v1"))).isEqualTo("COMMITTED 1");
      assertThat(s.prepare(1, put(2, "k", "v2"))).isEqualTo("COMMITTED 2");
      assertThat(s.read("k")).isEqualTo("VALUE 2 djI="); // still v2: slot 1 not applied again
      assertThat(s.stateHash()).isEqualTo(hash);
      assertThat(logLines()).isEqualTo(lines); // nothing logged
    }
  }

  @Test
  void refusesWhatWouldMakeTheStoresDiffer() throws IOException {
    try (RowaStore s = open()) {
      s.prepare(0, put(5, "k", "v"));
      s.commit(5);
      // the same slot with other writes, and a slot below that was never a transaction here
      assertThat(s.prepare(0, put(5, "k", "other"))).startsWith("NO 5 is committed here");
      assertThat(s.prepare(0, put(4, "k", "v"))).startsWith("NO 4 is below the last committed");
      // a gap: slot 9 after slot 7, but 5 is the last committed
      assertThat(s.prepare(7, put(9, "k", "v"))).startsWith("NO 9: it follows slot 7");
      // one in doubt at a time; the same one again is a yes without a new record
      assertThat(s.prepare(5, put(6, "a", "1"))).isEqualTo("YES 6");
      long lines = logLines();
      assertThat(s.prepare(5, put(6, "a", "1"))).isEqualTo("YES 6");
      assertThat(logLines()).isEqualTo(lines);
      assertThat(s.prepare(5, put(6, "a", "2"))).startsWith("NO 6: slot 6 is in doubt");
      assertThat(s.prepare(6, put(7, "a", "1"))).startsWith("NO 7: slot 6 is in doubt");
      // a commit of a slot never prepared here
      assertThat(s.commit(8)).startsWith("ERR slot 8 is not prepared");
      assertThat(s.committed()).isEqualTo(5);
    }
  }

  @Test
  void abortForgetsTheTransactionInDoubtButNeverUndoesACommit() throws IOException {
    try (RowaStore s = open()) {
      s.prepare(0, put(1, "k", "v"));
      s.commit(1);
      assertThat(s.abort(1)).isEqualTo("OK 1 not in doubt");
      assertThat(s.read("k")).isEqualTo("VALUE 1 dg==");

      s.prepare(1, put(2, "k", "w"));
      assertThat(s.abort(2)).isEqualTo("OK 2 aborted");
      assertThat(s.inDoubt()).isEmpty();
      assertThat(s.commit(2)).startsWith("ERR slot 2 is not prepared");
      assertThat(s.prepare(1, put(2, "k", "w"))).isEqualTo("YES 2"); // prepared again later
      assertThat(s.commit(2)).isEqualTo("OK 2 committed");
    }
  }

  @Test
  void aTransactionInDoubtSurvivesACrashAndIsCommittedAfter() throws IOException {
    RowaStore s = open();
    s.prepare(0, put(1, "a", "1"));
    s.commit(1);
    s.prepare(1, put(2, "b", "2"));
    s.close(); // the process dies here: voted yes, no outcome yet

    try (RowaStore r = open()) {
      assertThat(r.committed()).isEqualTo(1);
      assertThat(r.inDoubt()).contains(put(2, "b", "2"));
      assertThat(r.read("a")).isEqualTo("VALUE 1 MQ==");
      assertThat(r.prepare(1, put(3, "c", "3"))).startsWith("NO 3: slot 2 is in doubt");
      assertThat(r.prepare(1, put(2, "b", "2"))).isEqualTo("YES 2"); // a learner asks again
      assertThat(r.commit(2)).isEqualTo("OK 2 committed");
    }
    try (RowaStore r = open()) {
      assertThat(r.committed()).isEqualTo(2);
      assertThat(r.inDoubt()).isEmpty();
      assertThat(r.read("b")).isEqualTo("VALUE 2 Mg==");
      assertThat(r.commit(2)).isEqualTo("OK 2 already committed");
    }
  }

  @Test
  void anAbortedTransactionStaysAbortedAfterARestart() throws IOException {
    try (RowaStore s = open()) {
      s.prepare(0, put(1, "a", "1"));
      s.abort(1);
    }
    try (RowaStore r = open()) {
      assertThat(r.inDoubt()).isEmpty();
      assertThat(r.committed()).isZero();
      assertThat(r.read("a")).isEqualTo("NOT_FOUND 0");
    }
  }

  @Test
  void aRecordTornByACrashIsCutOff() throws IOException {
    try (RowaStore s = open()) {
      s.prepare(0, put(1, "a", "1"));
      s.commit(1);
    }
    Files.writeString(
        dir.resolve(StoreLog.FILE_NAME), "PREPARE 2 1 Yg", StandardOpenOption.APPEND); // no \n
    try (RowaStore r = open()) {
      assertThat(r.committed()).isEqualTo(1);
      assertThat(r.inDoubt()).isEmpty();
      assertThat(r.prepare(1, put(2, "b", "2"))).isEqualTo("YES 2");
    }
    assertThat(Files.readString(dir.resolve(StoreLog.FILE_NAME))).doesNotContain("Yg\n");
  }

  @Test
  void aLogThatIsNotAStoreLogIsRefused() throws IOException {
    Files.writeString(dir.resolve(StoreLog.FILE_NAME), "PREPARE 1 1 a= -\nHELLO\n");
    assertThatThrownBy(this::open).isInstanceOf(IOException.class).hasMessageContaining("record");
    Files.writeString(dir.resolve(StoreLog.FILE_NAME), "COMMIT 1\n");
    assertThatThrownBy(this::open)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not in doubt");
  }

  @Test
  void theLargestSlotIsATransactionLikeAnyOther() throws IOException {
    try (RowaStore s = open()) {
      assertThat(s.prepare(0, put(Long.MAX_VALUE, "k", "v"))).isEqualTo("YES " + Long.MAX_VALUE);
      assertThat(s.commit(Long.MAX_VALUE)).isEqualTo("OK " + Long.MAX_VALUE + " committed");
    }
    try (RowaStore r = open()) {
      assertThat(r.committed()).isEqualTo(Long.MAX_VALUE);
      assertThat(r.prepare(0, put(Long.MAX_VALUE, "k", "v")))
          .isEqualTo("COMMITTED " + Long.MAX_VALUE);
    }
  }

  @Test
  void deletionsAndTheStateHash() throws IOException {
    Path other = dir.resolve("other");
    try (RowaStore a = open();
        RowaStore b = RowaStore.open(other, CrashPoints.none())) {
      a.prepare(0, put(1, "x", "1"));
      a.commit(1);
      a.prepare(1, new Txn(2, List.of(new Txn.Write("x", Optional.empty()))));
      a.commit(2);
      assertThat(a.read("x")).isEqualTo("NOT_FOUND 2");
      assertThat(a.stateHash()).isEqualTo(b.stateHash()); // both empty
    }
  }

  @Test
  void theLeaseNamesTheLowestLearnerHeardFromWithinASecond() throws IOException {
    try (RowaStore s = open()) {
      long t = 1_000_000_000_000L;
      assertThat(s.ping(22, t)).isEqualTo("PONG 0 - 22");
      assertThat(s.ping(21, t + 1)).isEqualTo("PONG 0 - 21");
      assertThat(s.ping(22, t + 500_000_000L)).isEqualTo("PONG 0 - 21");
      // 21 silent for more than the lease: 22 drives
      assertThat(s.ping(22, t + 1 + RowaStore.LEARNER_LEASE_NANOS + 1)).isEqualTo("PONG 0 - 22");
    }
  }
}
