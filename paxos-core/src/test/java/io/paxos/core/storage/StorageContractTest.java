package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link Storage}, run against every implementation: what a sync returned from
 * survives a restart, what was written after the last sync is lost by a crash, chosen slots are
 * appended in order, and a failed sync leaves the storage unusable.
 */
abstract class StorageContractTest {
  /** A new storage with nothing in it. */
  abstract Storage create() throws Exception;

  /**
   * The storage as the node finds it after a crash and restart: what was synced is there, writes
   * after the last sync are gone. {@code storage} is not used again.
   */
  abstract Storage restart(Storage storage) throws Exception;

  /** Make every later sync of {@code storage} fail, as a failing disk would. */
  abstract void failSyncs(Storage storage);

  private Storage storage;
  private final Model synced = new Model();

  /** What the test wrote and synced, as load() must return it. */
  private static final class Model {
    Ballot promised = Ballot.ZERO;
    long round;
    final TreeMap<Long, AcceptedEntry> accepted = new TreeMap<>();
    final List<Value> chosen = new ArrayList<>();

    DurableState state() {
      return new DurableState(promised, List.copyOf(accepted.values()), round, chosen);
    }
  }

  @BeforeEach
  void createStorage() throws Exception {
    storage = create();
  }

  @AfterEach
  void closeStorage() {
    storage.close();
  }

  static Value value(SplittableRandom random, int payloadBytes) {
    if (payloadBytes < 0) {
      return Value.NOOP;
    }
    List<Command> commands = new ArrayList<>();
    int count = 1 + random.nextInt(3);
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[payloadBytes];
      random.nextBytes(payload);
      commands.add(new Command(1 + random.nextInt(5), random.nextLong(), i + 1L, payload));
    }
    return new Value.Batch(commands);
  }

  private void promise(Ballot b, Model m) {
    storage.savePromise(b);
    if (b.isAbove(m.promised)) {
      m.promised = b;
    }
  }

  private void round(long r, Model m) {
    storage.saveRound(r);
    m.round = Math.max(m.round, r);
  }

  private void accept(AcceptedEntry e, Model m) {
    storage.saveAccepted(e);
    m.accepted.put(e.slot(), e);
  }

  private void choose(Value v, Model m) {
    storage.appendChosen(m.chosen.size() + 1L, v);
    m.chosen.add(v);
  }

  @Test
  void aNewStorageHoldsNothing() {
    assertThat(storage.load()).isEqualTo(DurableState.EMPTY);
  }

  @Test
  void whatWasSyncedSurvivesARestart() throws Exception {
    SplittableRandom random = new SplittableRandom(1);
    promise(new Ballot(3, 2), synced);
    round(7, synced);
    accept(new AcceptedEntry(1, new Ballot(3, 2), value(random, 10)), synced);
    accept(new AcceptedEntry(2, new Ballot(3, 2), Value.NOOP), synced);
    accept(new AcceptedEntry(1, new Ballot(4, 1), value(random, 0)), synced);
    choose(value(random, 100), synced);
    choose(Value.NOOP, synced);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load()).isEqualTo(synced.state());
    assertThat(storage.load().accepted().get(0).ballot()).isEqualTo(new Ballot(4, 1));
  }

  @Test
  void ballotsOfLaterMembershipEpochsSurviveARestart() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    promise(new Ballot(9, 1), synced);
    accept(new AcceptedEntry(1, new Ballot(9, 1), value(random, 4)), synced);
    promise(new Ballot(2, 1, 3), synced); // a later epoch outranks round 9
    accept(new AcceptedEntry(2, new Ballot(2, 1, 3), value(random, 7)), synced);
    accept(
        new AcceptedEntry(3, new Ballot(Ballot.MAX_EPOCH, Ballot.MAX_ROUND, 0xFFFF), Value.NOOP),
        synced);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load()).isEqualTo(synced.state());
    assertThat(storage.load().promised()).isEqualTo(new Ballot(2, 1, 3));
    assertThat(storage.load().accepted())
        .extracting(AcceptedEntry::ballot)
        .containsExactly(
            new Ballot(9, 1),
            new Ballot(2, 1, 3),
            new Ballot(Ballot.MAX_EPOCH, Ballot.MAX_ROUND, 0xFFFF));
  }

  @Test
  void writesAfterTheLastSyncAreLostByACrash() throws Exception {
    SplittableRandom random = new SplittableRandom(2);
    promise(new Ballot(1, 1), synced);
    accept(new AcceptedEntry(1, new Ballot(1, 1), value(random, 5)), synced);
    choose(value(random, 5), synced);
    storage.sync();
    Model lost = new Model();
    lost.chosen.addAll(synced.chosen);
    promise(new Ballot(9, 3), lost);
    round(9, lost);
    accept(new AcceptedEntry(2, new Ballot(9, 3), value(random, 5)), lost);
    choose(value(random, 5), lost);
    storage = restart(storage);
    assertThat(storage.load()).isEqualTo(synced.state());
    // The next chosen slot is the one after what survived, not after what was lost.
    choose(Value.NOOP, synced);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load()).isEqualTo(synced.state());
  }

  @Test
  void theHighestPromiseAndRoundAreKept() throws Exception {
    promise(new Ballot(5, 1), synced);
    round(5, synced);
    storage.sync();
    promise(new Ballot(4, 3), synced);
    round(2, synced);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load().promised()).isEqualTo(new Ballot(5, 1));
    assertThat(storage.load().maxRound()).isEqualTo(5);
  }

  @Test
  void manyBatchesOfAllSizesAccumulateAcrossRestarts() throws Exception {
    SplittableRandom random = new SplittableRandom(3);
    long round = 0;
    for (int restart = 0; restart < 3; restart++) {
      for (int batch = 0; batch < 40; batch++) {
        int records = 1 + random.nextInt(batch % 10 == 0 ? 200 : 8);
        for (int i = 0; i < records; i++) {
          round++;
          int size = random.nextInt(4) == 0 ? random.nextInt(6000) : random.nextInt(50) - 1;
          Value v = value(random, size);
          switch (random.nextInt(4)) {
            case 0:
              promise(new Ballot(round, 1 + random.nextInt(3)), synced);
              break;
            case 1:
              round(round, synced);
              break;
            case 2:
              accept(new AcceptedEntry(1 + random.nextInt(50), new Ballot(round, 2), v), synced);
              break;
            default:
              choose(v, synced);
          }
        }
        storage.sync();
      }
      storage = restart(storage);
      assertThat(storage.load()).isEqualTo(synced.state());
    }
  }

  @Test
  void chosenSlotsAreAppendedInOrderWithoutGaps() throws Exception {
    assertThatThrownBy(() -> storage.appendChosen(2, Value.NOOP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 1");
    storage.appendChosen(1, Value.NOOP);
    assertThatThrownBy(() -> storage.appendChosen(1, Value.NOOP))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> storage.appendChosen(3, Value.NOOP))
        .isInstanceOf(IllegalArgumentException.class);
    storage.sync();
    storage = restart(storage);
    assertThatThrownBy(() -> storage.appendChosen(1, Value.NOOP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 2");
    storage.appendChosen(2, Value.NOOP);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load().chosen()).containsExactly(Value.NOOP, Value.NOOP);
  }

  @Test
  void anEmptySyncChangesNothing() throws Exception {
    storage.sync();
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load()).isEqualTo(DurableState.EMPTY);
  }

  @Test
  void aFailedSyncMakesTheStorageUnusable() throws Exception {
    promise(new Ballot(2, 2), synced);
    choose(Value.NOOP, synced);
    storage.sync();
    failSyncs(storage);
    storage.saveRound(3);
    assertThatThrownBy(storage::sync).isInstanceOf(StorageException.class);
    assertThatThrownBy(storage::sync)
        .as("a failed sync is never retried")
        .isInstanceOf(StorageException.class);
    storage = restart(storage);
    DurableState after = storage.load();
    assertThat(after.promised()).isEqualTo(synced.promised);
    assertThat(after.chosen()).isEqualTo(synced.chosen);
  }

  private static byte[] read(SnapshotStore store, SnapshotInfo info) throws Exception {
    try (java.io.InputStream in = store.open(info)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aCompactionDropsTheSlotsItCoversOnceSynced() throws Exception {
    SplittableRandom random = new SplittableRandom(4);
    promise(new Ballot(2, 1), synced);
    round(2, synced);
    for (int i = 0; i < 10; i++) {
      choose(value(random, 300), synced);
    }
    for (long s = 1; s <= 12; s++) {
      accept(new AcceptedEntry(s, new Ballot(2, 1), value(random, 300)), synced);
    }
    storage.sync();
    storage.snapshots().save(6, out -> out.write(new byte[] {6}));
    storage.compact(6);
    storage = restart(storage);
    assertThat(storage.load()).as("a compaction not yet synced is lost").isEqualTo(synced.state());

    storage.compact(6);
    storage.sync();
    storage = restart(storage);
    DurableState after = storage.load();
    assertThat(after.compactedThrough()).isEqualTo(6);
    assertThat(after.chosen()).isEqualTo(synced.chosen.subList(6, 10));
    assertThat(after.accepted()).isEqualTo(List.copyOf(synced.accepted.tailMap(7L).values()));
    assertThat(after.promised()).isEqualTo(new Ballot(2, 1));
    assertThat(after.maxRound()).isEqualTo(2);
    assertThat(after.nextChosenSlot()).isEqualTo(11);
    assertThat(storage.snapshots().latest()).map(SnapshotInfo::slot).contains(6L);
    assertThat(read(storage.snapshots(), storage.snapshots().latest().get())).containsExactly(6);

    assertThatThrownBy(() -> storage.appendChosen(12, Value.NOOP))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected 11");
    storage.appendChosen(11, Value.NOOP);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load().chosen()).hasSize(5).endsWith(Value.NOOP);
  }

  @Test
  void aCompactionBeyondTheLogMakesItContinueAfterTheSnapshot() throws Exception {
    SplittableRandom random = new SplittableRandom(5);
    choose(value(random, 10), synced);
    choose(value(random, 10), synced);
    storage.sync();
    storage.snapshots().save(40, out -> out.write(new byte[] {4, 0}));
    storage.compact(40);
    storage.appendChosen(3, Value.NOOP); // a delivery the snapshot covers: ignored
    Value next = value(random, 10);
    storage.appendChosen(41, next);
    storage.sync();
    storage = restart(storage);
    DurableState after = storage.load();
    assertThat(after.compactedThrough()).isEqualTo(40);
    assertThat(after.chosen()).containsExactly(next);
    assertThat(after.nextChosenSlot()).isEqualTo(42);
  }

  @Test
  void anAcceptorsCompactionInAnOutboxIsWrittenAfterItsEntriesWithNoSnapshotHere()
      throws Exception {
    // A node with an acceptor but no learner compacts on the learners' snapshots: none is here.
    SplittableRandom random = new SplittableRandom(7);
    for (long s = 1; s <= 8; s++) {
      accept(new AcceptedEntry(s, new Ballot(1, 2), value(random, 50)), synced);
    }
    storage.sync();
    Outbox out = new Outbox();
    out.persistAccepted(new AcceptedEntry(9, new Ballot(1, 2), value(random, 50)));
    Value kept = value(random, 50);
    out.persistAccepted(new AcceptedEntry(11, new Ballot(1, 2), kept));
    out.persistCompaction(10);
    OutboxCarrier.writeBatch(storage, out);
    storage.sync();
    storage = restart(storage);

    DurableState after = storage.load();
    assertThat(after.compactedThrough()).isEqualTo(10);
    assertThat(after.accepted()).containsExactly(new AcceptedEntry(11, new Ballot(1, 2), kept));
    assertThat(after.chosen()).isEmpty();
    assertThat(storage.snapshots().latest()).isEmpty();
  }

  @Test
  void aCompactionBelowThePreviousOneChangesNothing() throws Exception {
    SplittableRandom random = new SplittableRandom(6);
    for (int i = 0; i < 5; i++) {
      choose(value(random, 10), synced);
    }
    storage.snapshots().save(4, out -> out.write(1));
    storage.compact(4);
    storage.compact(2);
    storage.sync();
    storage = restart(storage);
    assertThat(storage.load().compactedThrough()).isEqualTo(4);
    assertThat(storage.load().chosen()).containsExactly(synced.chosen.get(4));
  }

  @Test
  void theNewestSnapshotSurvivesARestartAndAnUncommittedOneDoesNot() throws Exception {
    SnapshotInfo first = storage.snapshots().save(3, out -> out.write(new byte[] {1, 2, 3}));
    assertThat(first.size()).isEqualTo(3);
    try (SnapshotStore.Writer w = storage.snapshots().begin(9)) {
      w.stream().write(new byte[] {9, 9});
      // closed without a commit: discarded
    }
    assertThat(storage.snapshots().latest()).contains(first);
    SnapshotInfo second = storage.snapshots().save(7, out -> out.write(new byte[] {7}));
    storage = restart(storage);
    assertThat(storage.snapshots().latest()).contains(second);
    assertThat(read(storage.snapshots(), second)).containsExactly(7);
    assertThatThrownBy(() -> storage.snapshots().open(first))
        .isInstanceOf(java.nio.file.NoSuchFileException.class);
  }
}
