package io.paxos.core.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.storage.InMemoryStorage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The stepped storage thread: tickets, groups, forces, and the steps it refuses. */
class DeferredStorageWriterTest {
  private final InMemoryStorage storage = new InMemoryStorage();
  private final AtomicInteger wakes = new AtomicInteger();
  private final DeferredStorageWriter writer =
      new DeferredStorageWriter(storage, wakes::incrementAndGet);

  @Test
  void aGroupIsDoneOnlyOnceForcedAndWakesOncePerIdlePeriod() {
    assertThat(writer.write(s -> s.savePromise(new Ballot(1, 1)), true)).isEqualTo(1);
    assertThat(writer.write(s -> s.saveRound(1), false)).isEqualTo(2);
    assertThat(wakes.get()).as("one wake for the burst").isEqualTo(1);

    assertThat(writer.writeQueued()).isTrue();
    assertThat(writer.done()).as("written, not forced").isZero();
    assertThat(storage.unsyncedWrites()).isEqualTo(2);
    writer.write(s -> s.saveRound(2), false); // queued during the force
    assertThat(wakes.get()).as("the thread is busy: no second wake").isEqualTo(1);

    writer.forced();
    assertThat(writer.done()).isEqualTo(2);
    assertThat(storage.load().promised()).isEqualTo(new Ballot(1, 1));
    assertThat(writer.hasQueued()).isTrue();
    assertThat(writer.writeQueued()).as("no sync asked: done when made").isFalse();
    assertThat(writer.done()).isEqualTo(3);
  }

  @Test
  void aSecondGroupBeforeTheForceIsRefusedAndNothingIsReportedDone() {
    writer.write(s -> s.savePromise(new Ballot(2, 1)), true);
    assertThat(writer.writeQueued()).isTrue();
    writer.write(s -> s.saveRound(5), false);

    assertThatThrownBy(writer::writeQueued)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not forced yet");
    assertThat(writer.done()).as("the unforced group is not done").isZero();

    writer.forced();
    assertThat(writer.done()).isEqualTo(1);
    assertThat(writer.writeQueued()).isFalse();
    assertThat(writer.done()).isEqualTo(2);
  }
}
