package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class OutboxTest {
  private final Outbox out = new Outbox();

  @Test
  @DisplayName(
      "an outbox needs a sync exactly when it holds a promise, a round, accepted entries or a"
          + " compaction")
  void needsSyncOnlyForDurableState() {
    out.send(2, new Message.Commit(1, b(1, 1), 3));
    out.deliver(1, value(1));
    out.abandon(List.of(cmd(1, 1)), Outbox.Rejection.NOT_LEADER, 0);
    out.readIndex(new Outbox.ReadIndex(1, true, 1, 1));
    assertThat(out.needsSync()).isFalse();

    Outbox promise = new Outbox();
    promise.persistPromise(b(1, 1));
    Outbox round = new Outbox();
    round.persistRound(0);
    Outbox accepted = new Outbox();
    accepted.persistAccepted(new AcceptedEntry(1, b(1, 1), value(1)));

    Outbox compaction = new Outbox();
    compaction.persistCompaction(7);

    assertThat(promise.needsSync()).isTrue();
    assertThat(round.needsSync()).isTrue();
    assertThat(accepted.needsSync()).isTrue();
    assertThat(compaction.needsSync()).isTrue();
    assertThat(compaction.isEmpty()).isFalse();
  }

  @Test
  @DisplayName("the compaction to persist is the highest one recorded in the batch, until cleared")
  void highestCompaction() {
    out.persistCompaction(9);
    out.persistCompaction(4);
    assertThat(out.compaction()).isEqualTo(9);
    out.clear();
    assertThat(out.compaction()).isZero();
    assertThat(out.needsSync()).isFalse();
  }

  @Test
  @DisplayName(
      "a leader's Accept, Commit and Heartbeat, forwards and requests may precede the sync;"
          + " votes, reports and replies never do")
  void onlyClaimFreeMessagesMayPrecedeTheSync() {
    Value v = value(1);
    List<Message> early =
        List.of(
            new Message.Accept(1, b(1, 1), 1, List.of(v), 1),
            new Message.Commit(1, b(1, 1), 3),
            new Message.Heartbeat(1, b(1, 1), 3, 7),
            new Message.Forward(1, b(1, 2), List.of(cmd(1, 1))),
            new Message.ReadIndexRequest(1, 4),
            new Message.CatchUpRequest(1, 1, 10));
    List<Message> late =
        List.of(
            new Message.Prepare(1, b(2, 1), 1),
            new Message.Promise(1, b(1, 2), 1, List.of()),
            new Message.Accepted(1, b(1, 2), 1, 1),
            new Message.HeartbeatAck(1, b(1, 2), 7),
            new Message.Nack(1, b(1, 2), b(3, 3)),
            new Message.AcceptedReport(1, 1, 1, 2, List.of()),
            new Message.ReadIndexReply(1, 4, true, 3, 1),
            new Message.ForwardRejected(1, List.of(cmd(2, 1)), Outbox.Rejection.NOT_LEADER, 3));
    early.forEach(m -> out.send(2, m));
    late.forEach(m -> out.send(2, m));
    for (int i = 0; i < out.sendCount(); i++) {
      assertThat(out.mayPrecedeSync(i)).as("%s", out.sendMessage(i)).isEqualTo(i < early.size());
    }

    out.persistRound(2); // a new round: nothing leaves before it is durable
    for (int i = 0; i < out.sendCount(); i++) {
      assertThat(out.mayPrecedeSync(i)).as("%s", out.sendMessage(i)).isFalse();
    }
  }

  @Test
  @DisplayName("the round to persist is the highest one recorded in the batch")
  void highestRound() {
    out.persistRound(4);
    out.persistRound(2);

    assertThat(out.round()).isEqualTo(4);
  }

  @Test
  @DisplayName("sends keep their order and destinations, beyond the initial capacity")
  void manySendsInOrder() {
    for (int i = 0; i < 200; i++) {
      out.send(i % 5, new Message.Commit(1, b(1, 1), i));
    }
    out.send(new int[] {7, 8}, new Message.Commit(1, b(1, 1), 999));

    assertThat(out.sendCount()).isEqualTo(202);
    for (int i = 0; i < 200; i++) {
      assertThat(out.sendTo(i)).isEqualTo(i % 5);
      assertThat(((Message.Commit) out.sendMessage(i)).commitSlot()).isEqualTo(i);
    }
    assertThat(out.sendTo(200)).isEqualTo(7);
    assertThat(out.sendTo(201)).isEqualTo(8);
  }

  @Test
  @DisplayName("clear forgets everything; abandoning no commands records nothing")
  void clearAndEmptyAbandon() {
    out.abandon(List.of(), Outbox.Rejection.OVERLOADED, 2);
    assertThat(out.isEmpty()).isTrue();

    out.send(2, new Message.Commit(1, b(1, 1), 3));
    out.persistPromise(b(1, 1));
    out.persistRound(1);
    out.persistAccepted(new AcceptedEntry(1, b(1, 1), value(1)));
    out.deliver(1, value(1));
    out.abandon(List.of(cmd(1, 1)), Outbox.Rejection.NOT_LEADER, 0);
    out.readIndex(new Outbox.ReadIndex(1, true, 1, 1));
    assertThat(out.isEmpty()).isFalse();

    out.clear();

    assertThat(out.isEmpty()).isTrue();
    assertThat(sent(out)).isEmpty();
    assertThat(out.promise()).isEmpty();
    assertThat(out.round()).isEqualTo(-1);
    assertThat(out.accepted()).isEmpty();
    assertThat(out.deliveries()).isEmpty();
    assertThat(out.abandoned()).isEmpty();
    assertThat(out.readIndexes()).isEmpty();
  }

  @Test
  @DisplayName("a copy holds everything the outbox held and outlives its clear")
  void aCopyOutlivesTheClear() {
    for (int i = 0; i < 70; i++) { // more than the initial send capacity
      out.send(2 + i % 2, new Message.Commit(1, b(1, 1), i));
    }
    out.send(1, new Message.Heartbeat(1, b(1, 1), 3, 4));
    out.persistPromise(b(2, 1));
    out.persistRound(2);
    out.persistAccepted(new AcceptedEntry(5, b(2, 1), value(5)));
    out.persistCompaction(3);
    out.deliver(4, value(4));
    out.abandon(List.of(cmd(1, 1)), Outbox.Rejection.OVERLOADED, 0);
    out.readIndex(new Outbox.ReadIndex(9, true, 4, 1));
    out.sendSnapshot(3);

    Outbox copy = out.copy();
    out.clear();
    out.send(2, new Message.Commit(1, b(1, 1), 99)); // the buffers are reused after a clear

    assertThat(copy.sendCount()).isEqualTo(71);
    for (int i = 0; i < 70; i++) {
      assertThat(copy.sendTo(i)).isEqualTo(2 + i % 2);
      assertThat(copy.sendMessage(i)).isEqualTo(new Message.Commit(1, b(1, 1), i));
    }
    assertThat(copy.sendTo(70)).isEqualTo(1);
    assertThat(copy.promise()).contains(b(2, 1));
    assertThat(copy.round()).isEqualTo(2);
    assertThat(copy.accepted()).containsExactly(new AcceptedEntry(5, b(2, 1), value(5)));
    assertThat(copy.compaction()).isEqualTo(3);
    assertThat(copy.deliveries()).containsExactly(new Outbox.Delivery(4, value(4)));
    assertThat(copy.abandoned()).hasSize(1);
    assertThat(copy.readIndexes()).containsExactly(new Outbox.ReadIndex(9, true, 4, 1));
    assertThat(copy.snapshotSends()).containsExactly(3);
    assertThat(copy.needsSync()).isTrue();
  }
}
