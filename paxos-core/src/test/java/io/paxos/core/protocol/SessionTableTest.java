package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionTableTest {
  private final SessionTable table = new SessionTable();

  private static Command cmd(long client, long seq, long acked) {
    return new Command(1, client, seq, acked, new byte[] {(byte) seq});
  }

  @Test
  void aSessionCommandIsAppliedOnceAndARetryGetsTheFirstResult() {
    Command first = cmd(7, 1, 1);
    assertThat(table.check(first, 1).apply()).isTrue();
    table.record(first, 1, new byte[] {42});

    SessionTable.Verdict retry = table.check(cmd(7, 1, 1), 5);
    assertThat(retry.apply()).isFalse();
    assertThat(retry.cachedResult()).containsExactly(42);
  }

  @Test
  void commandsOfOtherSessionsAndSequencesAreIndependent() {
    table.record(cmd(7, 1, 1), 1, new byte[] {1});
    assertThat(table.check(cmd(7, 2, 1), 2).apply()).isTrue();
    assertThat(table.check(cmd(8, 1, 1), 2).apply()).isTrue();
  }

  @Test
  void outOfOrderSequencesWithinTheWindowAreEachAppliedOnce() {
    table.record(cmd(7, 5, 1), 1, new byte[] {5});
    assertThat(table.check(cmd(7, 3, 1), 2).apply()).as("3 arrives after 5").isTrue();
    table.record(cmd(7, 3, 1), 2, new byte[] {3});
    assertThat(table.check(cmd(7, 3, 1), 3).apply()).isFalse();
    assertThat(table.check(cmd(7, 5, 1), 3).cachedResult()).containsExactly(5);
  }

  @Test
  void acknowledgedResultsAreForgottenAndTheirDuplicatesSkipped() {
    table.record(cmd(7, 1, 1), 1, new byte[] {1});
    table.record(cmd(7, 2, 2), 2, new byte[] {2}); // the client saw the reply to 1
    assertThat(table.check(cmd(7, 1, 1), 3)).isSameAs(SessionTable.Verdict.STALE);
    assertThat(table.check(cmd(7, 2, 2), 3).cachedResult()).containsExactly(2);
  }

  @Test
  void aSessionKeepsAtMostMaxResultsAndForgetsTheOldestFirst() {
    for (int seq = 1; seq <= SessionTable.MAX_RESULTS + 1; seq++) {
      table.record(cmd(7, seq, 1), seq, new byte[] {1});
    }
    assertThat(table.check(cmd(7, 1, 1), 10)).isSameAs(SessionTable.Verdict.STALE);
    assertThat(table.check(cmd(7, 2, 1), 10).apply()).isFalse();
  }

  @Test
  void idleSessionsExpireByAppliedSlotsNotByAClock() {
    table.record(cmd(7, 1, 1), 1, new byte[] {1});
    table.record(cmd(8, 1, 1), SessionTable.EXPIRY_SLOTS, new byte[] {1});
    assertThat(table.size()).isEqualTo(2);
    table.check(cmd(8, 2, 1), SessionTable.EXPIRY_SLOTS + 2);
    assertThat(table.size()).as("session 7 idle for more than EXPIRY_SLOTS").isEqualTo(1);
    assertThat(table.check(cmd(7, 1, 1), SessionTable.EXPIRY_SLOTS + 3).apply())
        .as("a forgotten session starts afresh")
        .isTrue();
  }
}
