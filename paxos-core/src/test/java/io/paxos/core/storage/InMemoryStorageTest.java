package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class InMemoryStorageTest {
  private final InMemoryStorage storage = new InMemoryStorage();

  private static Value value(int tag) {
    return new Value.Batch(List.of(new Command(1, 5, tag, new byte[] {(byte) tag})));
  }

  private static AcceptedEntry entry(long slot, long round, int tag) {
    return new AcceptedEntry(slot, new Ballot(round, 2), value(tag));
  }

  @Test
  @DisplayName("a storage that never ran loads as a node that never ran")
  void emptyLoad() {
    assertThat(storage.load()).isEqualTo(DurableState.EMPTY);
  }

  @Test
  @DisplayName("writes are not visible to load before sync, and are after it")
  void writesVisibleAfterSync() {
    storage.savePromise(new Ballot(3, 2));
    storage.saveRound(4);
    storage.saveAccepted(entry(1, 3, 1));
    storage.appendChosen(1, value(1));
    assertThat(storage.load()).isEqualTo(DurableState.EMPTY);

    storage.sync();

    assertThat(storage.load())
        .isEqualTo(
            new DurableState(new Ballot(3, 2), List.of(entry(1, 3, 1)), 4, List.of(value(1))));
    assertThat(storage.syncCount()).isEqualTo(1);
  }

  @Test
  @DisplayName("only synced state survives crash(): every write after the last sync is lost")
  void onlySyncedStateSurvivesCrash() {
    storage.savePromise(new Ballot(3, 2));
    storage.saveRound(4);
    storage.saveAccepted(entry(1, 3, 1));
    storage.appendChosen(1, value(1));
    storage.sync();
    DurableState synced = storage.load();

    storage.savePromise(new Ballot(9, 3));
    storage.saveRound(12);
    storage.saveAccepted(entry(1, 9, 7));
    storage.saveAccepted(entry(2, 9, 8));
    storage.appendChosen(2, value(2));

    DurableState afterCrash = storage.crash().load();

    assertThat(afterCrash).isEqualTo(synced);
    storage.sync();
    assertThat(storage.load())
        .as("lost writes do not come back at the next sync")
        .isEqualTo(synced);
  }

  @Test
  @DisplayName("the last accepted entry per slot is kept, in slot order")
  void lastAcceptedPerSlot() {
    storage.saveAccepted(entry(3, 1, 3));
    storage.saveAccepted(entry(1, 1, 1));
    storage.saveAccepted(entry(1, 2, 11));
    storage.sync();

    assertThat(storage.load().accepted()).containsExactly(entry(1, 2, 11), entry(3, 1, 3));
  }

  @Test
  @DisplayName("the durable promise and round never go down")
  void promiseAndRoundMonotonic() {
    storage.savePromise(new Ballot(5, 2));
    storage.saveRound(7);
    storage.sync();
    storage.savePromise(new Ballot(4, 3));
    storage.saveRound(6);
    storage.sync();

    assertThat(storage.load().promised()).isEqualTo(new Ballot(5, 2));
    assertThat(storage.load().maxRound()).isEqualTo(7);
  }

  @Test
  @DisplayName(
      "after a failed sync the storage stays unusable: later syncs fail too, even when the disk"
          + " would work, and nothing of the failed batch is durable (docs/pitfalls.md #15)")
  void failedSyncIsFinal() {
    storage.savePromise(new Ballot(1, 2));
    storage.sync();
    storage.failSyncs();
    storage.savePromise(new Ballot(2, 2));
    storage.saveAccepted(entry(1, 2, 1));

    assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class);
    assertThatThrownBy(storage::sync)
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("may not be used again");
    assertThat(storage.syncCount()).isEqualTo(1);
    assertThat(storage.crash().load().promised()).isEqualTo(new Ballot(1, 2));
    assertThat(storage.load().accepted()).isEmpty();
  }

  @Test
  @DisplayName("chosen values must be appended in slot order without gaps")
  void appendChosenInOrder() {
    assertThatThrownBy(() -> storage.appendChosen(2, value(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("chosen slot 2 appended out of order; expected 1");
    storage.appendChosen(1, value(1));
    assertThatThrownBy(() -> storage.appendChosen(1, value(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 2");
    assertThatThrownBy(() -> storage.appendChosen(3, value(3)))
        .isInstanceOf(IllegalArgumentException.class);
    storage.appendChosen(2, value(2));
    storage.sync();

    assertThat(storage.load().chosen()).containsExactly(value(1), value(2));
  }

  @Test
  @DisplayName("after a crash, chosen values continue from the last synced slot")
  void appendChosenAfterCrash() {
    storage.appendChosen(1, value(1));
    storage.sync();
    storage.appendChosen(2, value(2));
    storage.crash();

    assertThatThrownBy(() -> storage.appendChosen(3, value(3)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 2");
    storage.appendChosen(2, value(22));
    storage.sync();
    assertThat(storage.load().chosen()).containsExactly(value(1), value(22));
  }
}
