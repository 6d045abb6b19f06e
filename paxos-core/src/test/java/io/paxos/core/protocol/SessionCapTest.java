package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The session table holds at most {@code maxSessions} sessions, and which ones it forgets follows
 * from the sequence of applied commands alone, so that every replica forgets the same ones.
 */
class SessionCapTest {
  private static Command cmd(long client, long seq) {
    return new Command(1, client, seq, 1, new byte[] {(byte) seq});
  }

  private static byte[] echo(byte[] payload) {
    return payload;
  }

  private static void apply(SessionTable t, Command c, long slot) {
    t.apply(c, slot, SessionCapTest::echo);
  }

  @Test
  void theBoundMustBePositive() {
    assertThatThrownBy(() -> new SessionTable(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSessions");
    assertThatThrownBy(() -> new SessionTable(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProtocolOptions.defaults().toBuilder().maxSessions(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxSessions");
    assertThat(new SessionTable().maxSessions()).isEqualTo(ProtocolOptions.DEFAULT_MAX_SESSIONS);
    assertThat(new SessionTable(Integer.MAX_VALUE).maxSessions()).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aTableOfOneKeepsTheLastSession() {
    SessionTable t = new SessionTable(1);
    apply(t, cmd(10, 1), 1);
    apply(t, cmd(20, 1), 2);
    assertThat(t.size()).isEqualTo(1);
    assertThat(t.export()).extracting(SessionTable.SessionState::clientId).containsExactly(20L);
    assertThat(t.evicted()).isEqualTo(1);
  }

  @Test
  void upToTheBoundNothingIsForgottenAndOneMoreForgetsTheLeastRecentlyUsed() {
    int cap = 50;
    SessionTable t = new SessionTable(cap);
    for (int i = 1; i <= cap; i++) {
      apply(t, cmd(i, 1), i);
    }
    // Client 1 is used again: client 2 is now the least recently used.
    apply(t, cmd(1, 2), cap + 1);
    assertThat(t.size()).isEqualTo(cap);
    assertThat(t.evicted()).isZero();

    apply(t, cmd(1000, 1), cap + 2); // cap + 1 sessions
    assertThat(t.size()).isEqualTo(cap);
    assertThat(t.evicted()).isEqualTo(1);
    List<Long> kept = t.export().stream().map(SessionTable.SessionState::clientId).toList();
    assertThat(kept).contains(1L, 1000L).doesNotContain(2L);

    // A kept session still answers its retries from the table (exactly once).
    SessionTable.Verdict retry = t.check(cmd(1, 2), cap + 3);
    assertThat(retry.apply()).isFalse();
    assertThat(retry.cachedResult()).containsExactly(2);
  }

  @Test
  void sessionsCreatedInOneSlotAreForgottenInClientIdOrder() {
    SessionTable t = new SessionTable(2);
    apply(t, cmd(30, 1), 1);
    apply(t, cmd(10, 1), 1);
    apply(t, cmd(20, 1), 1); // forgets 10: same slot as 30, lower id
    assertThat(t.export())
        .extracting(SessionTable.SessionState::clientId)
        .containsExactly(20L, 30L);
  }

  @Test
  void memoryIsBoundedUnderAFloodOfOneCommandClients() {
    SessionTable t = new SessionTable(1000);
    for (long i = 1; i <= 100_000; i++) {
      apply(t, cmd(i * 7919, 1), i);
      assertThat(t.size()).isLessThanOrEqualTo(1000);
    }
    assertThat(t.evicted()).isEqualTo(99_000);
  }

  /**
   * Replicas that apply the same commands hold equal tables, also when one of them restarts from a
   * snapshot of its table midway (its ordering of use is rebuilt from the snapshot alone).
   */
  @Test
  void replicasForgetTheSameSessionsAtTheSameSlot() {
    SplittableRandom random = new SplittableRandom(42);
    List<Command> commands = new ArrayList<>();
    long[] next = new long[300];
    for (int i = 0; i < 20_000; i++) {
      int client = random.nextInt(next.length);
      commands.add(cmd(client + 1, ++next[client]));
    }
    SessionTable a = new SessionTable(64);
    SessionTable b = new SessionTable(64);
    for (int i = 0; i < commands.size(); i++) {
      long slot = i + 1;
      apply(a, commands.get(i), slot);
      apply(b, commands.get(i), slot);
      if (i == commands.size() / 2) {
        SessionTable restored = new SessionTable(64);
        restored.restore(b.export(), b.lastExpiryCheck());
        b = restored;
      }
      if (i % 1000 == 0) {
        assertThat(same(a, b)).as("after slot %d", slot).isTrue();
      }
    }
    assertThat(same(a, b)).isTrue();
    assertThat(a.size()).isEqualTo(64);
  }

  private static boolean same(SessionTable a, SessionTable b) {
    List<SessionTable.SessionState> x = a.export();
    List<SessionTable.SessionState> y = b.export();
    if (x.size() != y.size()) {
      return false;
    }
    for (int i = 0; i < x.size(); i++) {
      SessionTable.SessionState p = x.get(i);
      SessionTable.SessionState q = y.get(i);
      if (p.clientId() != q.clientId()
          || p.floor() != q.floor()
          || p.lastSlot() != q.lastSlot()
          || !p.results().keySet().equals(q.results().keySet())) {
        return false;
      }
    }
    return true;
  }
}
