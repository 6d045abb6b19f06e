package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.config.WatchOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The watch history's bounds and how readers move through it. */
class AppliedJournalTest {
  private static AppliedSlot slot(long slot, int bytes) {
    return new AppliedSlot(slot, List.of(new AppliedCommand(new byte[bytes], new byte[0])));
  }

  @Test
  void keepsAtMostTheBoundedSlotsAndBytes() {
    AppliedJournal j = new AppliedJournal(1, new WatchOptions(4, 3 * (100 + 64)));
    for (long s = 1; s <= 10; s++) {
      j.append(List.of(slot(s, 100)), s);
    }
    assertThat(j.size()).isEqualTo(3);
    assertThat(j.bytes()).isLessThanOrEqualTo(3 * (100 + 64));
    assertThat(j.first()).isEqualTo(8);
    assertThat(j.last()).isEqualTo(10);

    AppliedJournal bySlots = new AppliedJournal(1, new WatchOptions(4, Long.MAX_VALUE));
    for (long s = 1; s <= 1000; s++) {
      bySlots.append(List.of(slot(s, 1)), s);
    }
    assertThat(bySlots.size()).isEqualTo(4);
    assertThat(bySlots.first()).isEqualTo(997);
  }

  @Test
  void keepsTheNewestSlotEvenIfItAloneExceedsTheBytes() {
    AppliedJournal j = new AppliedJournal(1, new WatchOptions(10, 10));
    j.append(List.of(slot(1, 1000)), 1);
    assertThat(j.size()).isEqualTo(1);
    j.append(List.of(slot(2, 1000)), 2);
    assertThat(j.size()).isEqualTo(1);
    assertThat(j.first()).isEqualTo(2);
  }

  @Test
  void emptySlotsAreCoveredAndAReaderPagesThroughInOrder() {
    AppliedJournal j = new AppliedJournal(1, new WatchOptions(100, Long.MAX_VALUE));
    j.append(List.of(slot(2, 1), slot(5, 1), slot(6, 1)), 9);
    Watch w = j.open(1);
    assertThat(w.poll(2)).extracting(AppliedSlot::slot).containsExactly(2L, 5L);
    assertThat(w.nextSlot()).isEqualTo(6);
    assertThat(w.poll(2)).extracting(AppliedSlot::slot).containsExactly(6L);
    assertThat(w.nextSlot()).as("past the empty slots 7..9").isEqualTo(10);
    assertThat(w.poll(2)).isEmpty();
    Watch from7 = j.open(7);
    assertThat(from7.poll(5)).isEmpty();
    assertThat(from7.nextSlot()).isEqualTo(10);
  }

  @Test
  void aResetCutsOffReadersBehindIt() {
    AppliedJournal j = new AppliedJournal(3, new WatchOptions(100, Long.MAX_VALUE));
    j.append(List.of(slot(1, 1)), 1);
    Watch behind = j.open(2);
    Watch ahead = j.open(50);
    j.reset(40); // a snapshot of slot 40 installed from a peer
    assertThatThrownBy(() -> behind.poll(1))
        .isInstanceOfSatisfying(
            SlotUnavailableException.class,
            e -> {
              assertThat(e.requestedSlot()).isEqualTo(2);
              assertThat(e.oldestSlot()).isEqualTo(41);
            })
        .hasMessageContaining("node 3");
    assertThat(ahead.poll(1)).isEmpty();
    j.append(List.of(slot(50, 1)), 50);
    assertThat(ahead.poll(1)).extracting(AppliedSlot::slot).containsExactly(50L);
  }

  @Test
  void manyReadersShareOneHistory() {
    AppliedJournal j = new AppliedJournal(1, new WatchOptions(1000, Long.MAX_VALUE));
    List<Watch> readers = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      readers.add(j.open(1));
    }
    for (long s = 1; s <= 500; s++) {
      j.append(List.of(slot(s, 10)), s);
    }
    for (Watch w : readers) {
      assertThat(w.poll(1000)).hasSize(500);
    }
    assertThat(j.size()).isEqualTo(500);
  }
}
