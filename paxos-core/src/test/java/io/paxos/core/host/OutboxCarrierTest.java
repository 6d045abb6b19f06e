package io.paxos.core.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.InMemoryStorage;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The durability rule as the carrier carries it out, against a storage thread whose writes and
 * forces complete only when the test says so ({@link DeferredStorageWriter}: a disk that forces
 * slowly): votes wait for their force, what may precede the sync leaves at once, batches settle in
 * order, and a message to the node itself comes back only once durable.
 */
class OutboxCarrierTest {
  private static final int SELF = 1;
  private static final Ballot B = new Ballot(3, 2);

  private static final class Recorder implements OutboxCarrier.Effects {
    final List<String> events = new ArrayList<>();

    @Override
    public void send(int to, Message message) {
      events.add("send " + message.getClass().getSimpleName() + " to " + to);
    }

    @Override
    public void flush() {
      events.add("flush");
    }

    @Override
    public void loopback(Message message) {
      events.add("loopback " + message.getClass().getSimpleName());
    }

    @Override
    public void deliver(List<Outbox.Delivery> deliveries) {
      deliveries.forEach(d -> events.add("deliver " + d.slot()));
    }

    @Override
    public void settle(Outbox batch) {
      events.add("settle " + batch.abandoned().size() + " abandoned");
    }

    List<String> take() {
      List<String> taken = List.copyOf(events);
      events.clear();
      return taken;
    }
  }

  private final InMemoryStorage storage = new InMemoryStorage();
  private final DeferredStorageWriter writer = new DeferredStorageWriter(storage, () -> {});
  private final Recorder effects = new Recorder();
  private final OutboxCarrier carrier = new OutboxCarrier(SELF, writer, effects);

  /** The storage thread makes every queued write and, if one asked, forces them. */
  private void complete() {
    if (writer.writeQueued()) {
      writer.forced();
    }
  }

  private static Value value(int tag) {
    return new Value.Batch(List.of(new Command(SELF, 7, tag, new byte[] {(byte) tag})));
  }

  @Test
  @DisplayName("a Promise leaves only once its promise is durable; a Forward of the batch at once")
  void voteWaitsForItsForce() {
    Outbox out = new Outbox();
    out.persistPromise(B);
    out.send(2, new Message.Promise(SELF, B, 0, List.of(), 1));
    out.send(2, new Message.Forward(SELF, B, List.of()));

    carrier.carryOut(out);

    assertThat(out.isEmpty()).as("cleared for the next batch").isTrue();
    assertThat(effects.take()).containsExactly("send Forward to 2", "flush");
    assertThat(storage.load().promised()).isEqualTo(Ballot.ZERO);
    assertThat(carrier.holding()).isTrue();

    complete();
    assertThat(storage.load().promised()).isEqualTo(B);
    carrier.releaseWritten();
    assertThat(effects.take()).containsExactly("send Promise to 2", "flush", "settle 0 abandoned");
    assertThat(carrier.holding()).isFalse();
  }

  @Test
  @DisplayName("nothing precedes the sync of a new round, in its batch or the next one")
  void newRoundHoldsEverything() {
    Outbox out = new Outbox();
    out.persistRound(3);
    out.send(2, new Message.Prepare(SELF, B, 1));
    out.send(2, new Message.Heartbeat(SELF, B, 0, 1));
    carrier.carryOut(out);
    assertThat(effects.take()).isEmpty();

    // The next batch asks for a sync of its own: still nothing leaves before the round is durable.
    out.persistAccepted(new AcceptedEntry(1, B, value(1)));
    out.send(2, new Message.Commit(SELF, B, 0));
    carrier.carryOut(out);
    assertThat(effects.take()).isEmpty();

    complete();
    carrier.releaseWritten();
    assertThat(effects.take())
        .containsExactly(
            "send Prepare to 2",
            "send Heartbeat to 2",
            "flush",
            "settle 0 abandoned",
            "send Commit to 2",
            "flush",
            "settle 0 abandoned");
  }

  @Test
  @DisplayName("a batch that writes nothing still settles after the batches before it")
  void batchesSettleInOrder() {
    Outbox out = new Outbox();
    out.persistAccepted(new AcceptedEntry(1, B, value(1)));
    out.send(2, new Message.Accepted(SELF, B, 1, 1));
    carrier.carryOut(out);

    out.abandon(List.of(new Command(SELF, 7, 9, new byte[0])), Outbox.Rejection.NOT_LEADER, 2);
    carrier.carryOut(out);
    assertThat(effects.take()).as("the abandoned command waits for the vote before it").isEmpty();

    complete();
    carrier.releaseWritten();
    assertThat(effects.take())
        .containsExactly(
            "send Accepted to 2", "flush", "settle 0 abandoned", "flush", "settle 1 abandoned");
  }

  @Test
  @DisplayName("a vote to the node itself comes back only once durable")
  void loopbackAfterTheSync() {
    Outbox out = new Outbox();
    out.persistAccepted(new AcceptedEntry(1, B, value(1)));
    out.send(SELF, new Message.Accepted(SELF, B, 1, 1));
    carrier.carryOut(out);
    assertThat(effects.take()).isEmpty();

    complete();
    carrier.releaseWritten();
    assertThat(effects.take()).containsExactly("loopback Accepted", "flush", "settle 0 abandoned");
  }

  @Test
  @DisplayName(
      "a leader's Accept to itself comes back at once, while an earlier batch's force still runs;"
          + " the vote its acceptor then makes waits for its own force")
  void ownAcceptComesBackBeforeEarlierForces() {
    Outbox out = new Outbox();
    out.persistAccepted(new AcceptedEntry(1, B, value(1)));
    out.send(SELF, new Message.Accepted(SELF, B, 1, 1));
    carrier.carryOut(out);
    assertThat(writer.writeQueued()).as("slot 1's force starts").isTrue();

    out.send(new int[] {SELF, 2}, new Message.Accept(SELF, B, 2, List.of(value(2)), 1));
    carrier.carryOut(out);
    assertThat(effects.take())
        .as("slot 2 goes to the followers and to this node's acceptor before slot 1 is forced")
        .containsExactly("loopback Accept", "send Accept to 2", "flush");

    // The acceptor takes it back and votes: the vote waits for its write's force.
    out.persistAccepted(new AcceptedEntry(2, B, value(2)));
    out.send(SELF, new Message.Accepted(SELF, B, 2, 1));
    carrier.carryOut(out);
    assertThat(effects.take()).isEmpty();

    writer.forced(); // slot 1 only
    carrier.releaseWritten();
    assertThat(effects.take())
        .as("slot 2's Accept is not handed back a second time")
        .containsExactly(
            "loopback Accepted", "flush", "settle 0 abandoned", "flush", "settle 0 abandoned");

    complete();
    carrier.releaseWritten();
    assertThat(effects.take()).containsExactly("loopback Accepted", "flush", "settle 0 abandoned");
  }

  @Test
  @DisplayName("a leader's Accept to itself waits like any message while its new round is written")
  void ownAcceptWaitsForTheRound() {
    Outbox out = new Outbox();
    out.persistRound(3);
    out.send(new int[] {SELF, 2}, new Message.Accept(SELF, B, 1, List.of(value(1)), 0));
    carrier.carryOut(out);
    assertThat(effects.take()).isEmpty();

    complete();
    carrier.releaseWritten();
    assertThat(effects.take())
        .containsExactly("loopback Accept", "send Accept to 2", "flush", "settle 0 abandoned");
  }

  @Test
  @DisplayName(
      "deliveries go to the apply side at once; chosen values ride with the next sync or"
          + " syncChosen")
  void deliveriesNeedNoSync() {
    Outbox out = new Outbox();
    out.deliver(1, value(1));
    carrier.carryOut(out);
    assertThat(effects.take()).startsWith("deliver 1");
    assertThat(writer.writeQueued()).as("a chosen value alone asks for no sync").isFalse();
    assertThat(storage.unsyncedWrites()).isEqualTo(1);

    carrier.syncChosen();
    assertThat(writer.writeQueued()).as("syncChosen asks for one").isTrue();
    writer.forced();
    assertThat(storage.load().chosen()).containsExactly(value(1));

    carrier.syncChosen();
    assertThat(writer.hasQueued()).as("nothing left unsynced: no sync asked").isFalse();
  }

  @Test
  @DisplayName(
      "a batch that asks for no sync settles at once, its chosen values still being written;"
          + " behind a held vote it waits its turn")
  void batchWithoutSyncSettlesAtOnce() {
    Outbox out = new Outbox();
    out.deliver(1, value(1));
    out.send(2, new Message.Commit(SELF, B, 1));
    out.readIndex(new Outbox.ReadIndex(7, true, 2, SELF));
    carrier.carryOut(out);
    assertThat(effects.take())
        .containsExactly("deliver 1", "send Commit to 2", "flush", "settle 0 abandoned");
    assertThat(writer.hasQueued()).as("the chosen value is still to be written").isTrue();
    assertThat(carrier.holding()).isFalse();

    out.persistPromise(B);
    out.send(2, new Message.Promise(SELF, B, 0, List.of(), 1));
    carrier.carryOut(out);
    out.abandon(List.of(new Command(SELF, 7, 9, new byte[0])), Outbox.Rejection.NOT_LEADER, 2);
    carrier.carryOut(out);
    assertThat(effects.take()).as("both wait for the promise's force").isEmpty();

    complete();
    carrier.releaseWritten();
    assertThat(effects.take())
        .containsExactly(
            "send Promise to 2", "flush", "settle 0 abandoned", "flush", "settle 1 abandoned");
  }

  @Test
  @DisplayName("a writer that is done at once settles the batch inside carryOut, without a copy")
  void inlineWriterSettlesAtOnce() {
    InMemoryStorage storage = new InMemoryStorage();
    OutboxCarrier inline = new OutboxCarrier(SELF, StorageWriter.inline(storage), effects);
    Outbox out = new Outbox();
    out.persistPromise(B);
    out.send(2, new Message.Promise(SELF, B, 0, List.of(), 1));
    inline.carryOut(out);
    assertThat(effects.take()).containsExactly("send Promise to 2", "flush", "settle 0 abandoned");
    assertThat(storage.syncCount()).isEqualTo(1);
    assertThat(inline.holding()).isFalse();
  }

  @Test
  @DisplayName(
      "writeBatch saves promise, round, accepted entries, then the compaction, then the chosen"
          + " values")
  void writeBatchOrder() {
    InMemoryStorage storage = new InMemoryStorage();
    Outbox out = new Outbox();
    out.persistPromise(new Ballot(6, 1));
    out.persistRound(6);
    out.persistAccepted(new AcceptedEntry(1, new Ballot(6, 1), value(1)));
    out.persistAccepted(new AcceptedEntry(2, new Ballot(6, 1), value(2)));
    out.deliver(1, value(1));

    OutboxCarrier.writeBatch(storage, out);
    storage.sync();

    assertThat(storage.load())
        .isEqualTo(
            new DurableState(
                new Ballot(6, 1),
                List.of(
                    new AcceptedEntry(1, new Ballot(6, 1), value(1)),
                    new AcceptedEntry(2, new Ballot(6, 1), value(2))),
                6,
                List.of(value(1))));
  }

  @Test
  @DisplayName("writeBatch of an outbox with nothing to persist changes nothing")
  void writeEmptyBatch() {
    InMemoryStorage storage = new InMemoryStorage();
    storage.saveRound(3);
    storage.sync();

    OutboxCarrier.writeBatch(storage, new Outbox());
    storage.sync();

    assertThat(storage.load().maxRound()).isEqualTo(3);
    assertThat(storage.load().promised()).isEqualTo(Ballot.ZERO);
  }
}
