package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A session's command that failed ({@link ApplyFailure}) is kept like a result: applied once. */
class SessionTableFailureTest {
  private final SessionTable table = new SessionTable();
  private final AtomicInteger runs = new AtomicInteger();

  private static Command cmd(long client, long seq, long acked) {
    return new Command(1, client, seq, acked, new byte[] {(byte) seq});
  }

  private byte[] failing(byte[] payload) {
    runs.incrementAndGet();
    throw new ApplyFailure("java.lang.IllegalStateException", "no: " + payload[0]);
  }

  private byte[] echo(byte[] payload) {
    runs.incrementAndGet();
    return payload;
  }

  @Test
  void aRetryOfAFailedCommandFailsAgainWithoutRunningTheMachine() {
    assertThatThrownBy(() -> table.apply(cmd(7, 1, 1), 1, this::failing))
        .isInstanceOf(ApplyFailure.class);
    assertThatThrownBy(() -> table.apply(cmd(7, 1, 1), 2, this::echo))
        .isInstanceOfSatisfying(
            ApplyFailure.class,
            f -> {
              assertThat(f.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
              assertThat(f.exceptionMessage()).isEqualTo("no: 1");
            });
    assertThat(runs).hasValue(1);
    assertThat(table.check(cmd(7, 1, 1), 3).failed()).isTrue();
  }

  @Test
  void aMessageWithNewlinesAndNoMessageSurviveTheEncoding() {
    for (String message : new String[] {"", "a\nb\n", "ünïcode"}) {
      ApplyFailure f = ApplyFailure.decode(new ApplyFailure("x.Y", message).encode());
      assertThat(f.exceptionClass()).isEqualTo("x.Y");
      assertThat(f.exceptionMessage()).isEqualTo(message);
    }
    assertThat(new ApplyFailure("x.Y", null).exceptionMessage()).isEmpty();
    String limit = "m".repeat(ApplyFailure.MAX_MESSAGE_CHARS);
    assertThat(ApplyFailure.of(new RuntimeException(limit + "x")).exceptionMessage())
        .isEqualTo(limit);
    assertThat(ApplyFailure.of(new RuntimeException(limit)).exceptionMessage()).isEqualTo(limit);
    assertThat(ApplyFailure.of(new RuntimeException()).exceptionMessage()).isEmpty();
  }

  @Test
  void aFailureIsNotASuccessAndASuccessNotAFailure() {
    table.apply(cmd(7, 2, 1), 1, this::echo);
    assertThat(table.check(cmd(7, 2, 1), 2).failed()).isFalse();
    assertThat(table.apply(cmd(7, 2, 1), 2, this::failing)).containsExactly(2);
    assertThat(runs).hasValue(1);
  }

  @Test
  void failuresAreForgottenWithTheirResultsAndExportedWithThem() {
    assertThatThrownBy(() -> table.apply(cmd(7, 1, 1), 1, this::failing))
        .isInstanceOf(ApplyFailure.class);
    assertThatThrownBy(() -> table.apply(cmd(7, 2, 1), 2, this::failing))
        .isInstanceOf(ApplyFailure.class);
    assertThat(table.export().get(0).failed()).containsExactly(1L, 2L);
    table.apply(cmd(7, 3, 2), 3, this::echo); // the client saw the reply to 1
    assertThat(table.export().get(0).failed()).containsExactly(2L);
    assertThat(table.check(cmd(7, 1, 1), 4)).isSameAs(SessionTable.Verdict.STALE);

    SessionTable copy = new SessionTable();
    copy.restore(table.export(), table.lastExpiryCheck());
    assertThatThrownBy(() -> copy.apply(cmd(7, 2, 2), 5, this::echo))
        .isInstanceOf(ApplyFailure.class);
    assertThat(copy.apply(cmd(7, 3, 2), 5, this::failing)).containsExactly(3);
    assertThat(runs).hasValue(3);
  }

  @Test
  void aCommandOutsideASessionFailsEveryTime() {
    Command outside = new Command(1, 0, 0, 0, new byte[] {9});
    assertThatThrownBy(() -> table.apply(outside, 1, this::failing))
        .isInstanceOf(ApplyFailure.class);
    assertThatThrownBy(() -> table.apply(outside, 2, this::failing))
        .isInstanceOf(ApplyFailure.class);
    assertThat(runs).hasValue(2);
    assertThat(table.size()).isZero();
  }
}
