package io.paxos.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.storage.InMemoryStorage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stepped storage thread: tickets, groups, overlapping forces, and the steps it refuses. */
class DeferredStorageWriterTest {
  private final InMemoryStorage storage = new InMemoryStorage();
  private final AtomicInteger wakes = new AtomicInteger();
  private final DeferredStorageWriter writer =
      new DeferredStorageWriter(storage, wakes::incrementAndGet);

  @Test
  void aGroupIsDoneOnlyOnceForcedAndWakesOncePerBurst() {
    assertThat(writer.write(s -> s.savePromise(new Ballot(1, 1)), true)).isEqualTo(1);
    assertThat(writer.write(s -> s.saveRound(1), false)).isEqualTo(2);
    assertThat(wakes.get()).as("one wake for the burst").isEqualTo(1);

    assertThat(writer.writeQueued()).isTrue();
    assertThat(writer.done()).as("written, not forced").isZero();
    assertThat(storage.unsyncedWrites()).isEqualTo(2);

    writer.forced();
    assertThat(writer.done()).isEqualTo(2);
    assertThat(storage.load().promised()).isEqualTo(new Ballot(1, 1));
    assertThat(storage.unsyncedWrites()).isZero();
  }

  @Test
  void theNextGroupIsWrittenAndItsForceStartedWhileTheFirstForceRuns() {
    writer.write(s -> s.savePromise(new Ballot(2, 1)), true);
    assertThat(writer.writeQueued()).isTrue();
    writer.write(s -> s.saveRound(5), true); // queued during the first force
    assertThat(wakes.get()).as("a second force may start: the thread is woken").isEqualTo(2);

    assertThat(writer.writeQueued()).as("written while the first force runs").isTrue();
    assertThat(writer.forcesRunning()).isEqualTo(2);
    assertThat(storage.unsyncedWrites()).isEqualTo(2);

    writer.forced(); // the first force only
    assertThat(writer.done()).as("the first group's votes may leave").isEqualTo(1);
    assertThat(storage.load().promised()).isEqualTo(new Ballot(2, 1));
    assertThat(storage.load().maxRound()).as("the second force has not completed").isZero();
    assertThat(storage.unsyncedWrites()).isEqualTo(1);

    writer.forced();
    assertThat(writer.done()).isEqualTo(2);
    assertThat(storage.load().maxRound()).isEqualTo(5);
  }

  @Test
  void aCrashBeforeTheSecondForceKeepsOnlyWhatTheFirstForced() {
    writer.write(s -> s.saveRound(1), true);
    writer.writeQueued();
    writer.write(s -> s.saveRound(2), true);
    writer.writeQueued();
    writer.forced();

    storage.crash();
    assertThat(storage.load().maxRound()).isEqualTo(1);
    assertThatThrownBy(writer::forced)
        .as("a force started before the crash does not complete after it")
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aGroupWithoutSyncIsDoneWithTheForceBeforeIt() {
    writer.write(s -> s.saveRound(1), true);
    writer.writeQueued();
    writer.write(s -> s.saveRound(2), false);
    assertThat(writer.writeQueued()).as("no sync asked").isFalse();
    assertThat(writer.done()).as("not before the group before it").isZero();

    writer.forced();
    assertThat(writer.done()).isEqualTo(2);
  }

  @Test
  void noMoreForcesThanAllowedAndNoWakeWhileThatManyRun() {
    for (int i = 0; i < StorageWriter.FORCES_IN_FLIGHT; i++) {
      writer.write(s -> s.saveRound(1), true);
      assertThat(writer.writeQueued()).isTrue();
    }
    int woken = wakes.get();
    writer.write(s -> s.saveRound(9), true);
    assertThat(wakes.get()).as("no force may start: nobody is woken").isEqualTo(woken);
    assertThatThrownBy(writer::writeQueued)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("complete the oldest first");
    assertThat(writer.done()).as("nothing forced, nothing done").isZero();

    writer.forced();
    assertThat(wakes.get())
        .as("a force may start again: the queued write is due")
        .isEqualTo(woken + 1);
    assertThat(writer.done()).isEqualTo(1);
  }

  @Test
  void completingAForceThatWasNeverStartedIsRefused() {
    assertThatThrownBy(writer::forced)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no force is running");
  }
}
