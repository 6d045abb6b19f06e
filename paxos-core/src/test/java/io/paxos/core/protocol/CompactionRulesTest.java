package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rule tests of log compaction (the invariant of {@link DurableState}: only slots that are chosen
 * and covered by a durable snapshot are forgotten) and of installing a snapshot.
 */
class CompactionRulesTest extends ProposerFixture {
  private static final ClusterConfig CONFIG = ClusterConfig.of("test", 1, 2, 3);

  private static DefaultAcceptor acceptorWithSlots(long upTo, Ballot ballot, Outbox out) {
    DefaultAcceptor a = new DefaultAcceptor(1, CONFIG, OPTIONS, DurableState.EMPTY);
    for (long s = 1; s <= upTo; s++) {
      a.onAccept(new Accept(ballot.nodeId(), ballot, s, List.of(value(s)), 0), 0, out);
    }
    out.clear();
    return a;
  }

  @Test
  @DisplayName(
      "a compacted acceptor promises from the slot after its compaction and reports nothing below")
  void compactedAcceptorReportsFromAfterTheSnapshot() {
    DefaultAcceptor a = acceptorWithSlots(10, b(1, 2), out);
    a.compact(6);

    a.onPrepare(new Prepare(3, b(2, 3), 2), 10_000, out);

    Promise promise = onlyTo(out, 3, Promise.class);
    assertThat(promise.fromSlot()).isEqualTo(7);
    assertThat(promise.accepted()).extracting(AcceptedEntry::slot).containsExactly(7L, 8L, 9L, 10L);
    assertThat(a.accepted(6)).isEmpty();
    assertThat(a.accepted(7)).isPresent();
    assertThat(a.compactedThrough()).isEqualTo(6);
  }

  @Test
  @DisplayName("a Prepare above the compaction point is answered from its own first slot")
  void prepareAboveCompactionKeepsItsFirstSlot() {
    DefaultAcceptor a = acceptorWithSlots(10, b(1, 2), out);
    a.compact(6);

    a.onPrepare(new Prepare(3, b(2, 3), 9), 10_000, out);

    Promise promise = onlyTo(out, 3, Promise.class);
    assertThat(promise.fromSlot()).isEqualTo(9);
    assertThat(promise.accepted()).extracting(AcceptedEntry::slot).containsExactly(9L, 10L);
  }

  @Test
  @DisplayName(
      "an Accept for a compacted slot is voted for (the leader may need the vote) but not stored")
  void acceptOfCompactedSlotIsVotedButNotPersisted() {
    DefaultAcceptor a = acceptorWithSlots(10, b(1, 2), out);
    a.compact(6);

    a.onAccept(new Accept(2, b(1, 2), 5, List.of(value(5), value(6), value(7)), 0), 0, out);

    assertThat(out.accepted()).extracting(AcceptedEntry::slot).containsExactly(7L);
    assertThat(onlyTo(out, 2, Accepted.class)).isEqualTo(new Accepted(1, b(1, 2), 5, 3));
    assertThat(a.accepted(5)).isEmpty();
  }

  @Test
  @DisplayName("an acceptor restarted from a compacted state forgets the compacted slots")
  void restartFromCompactedState() {
    List<AcceptedEntry> entries =
        List.of(new AcceptedEntry(4, b(1, 2), value(4)), new AcceptedEntry(9, b(1, 2), value(9)));
    DefaultAcceptor a =
        new DefaultAcceptor(
            1, CONFIG, OPTIONS, new DurableState(b(1, 2), entries, 0, List.of(), 5));

    a.onPrepare(new Prepare(3, b(2, 3), 1), 0, out);

    Promise promise = onlyTo(out, 3, Promise.class);
    assertThat(promise.fromSlot()).isEqualTo(6);
    assertThat(promise.accepted()).extracting(AcceptedEntry::slot).containsExactly(9L);
  }

  @Test
  @DisplayName(
      "a new leader proposes nothing below a promise's fromSlot: with the entries gone, a no-op"
          + " there could be chosen over the chosen value")
  void leaderSkipsSlotsCompactedByAnAcceptor() {
    DefaultProposer p = proposer(1, THREE);
    Prepare prepare = campaign(p);
    assertThat(prepare.fromSlot()).isEqualTo(1);
    // Acceptor 2 compacted through slot 20 and accepted slot 22; acceptor 3 reports slot 5 only.
    p.onPromise(
        new Promise(2, prepare.ballot(), 21, List.of(new AcceptedEntry(22, b(1, 2), value(22)))),
        TIMEOUT,
        out);
    p.onPromise(
        new Promise(3, prepare.ballot(), 1, List.of(new AcceptedEntry(5, b(1, 2), value(5)))),
        TIMEOUT,
        out);
    assertThat(p.isLeader()).isTrue();
    out.clear();

    p.flush(TIMEOUT, out);

    Accept accept = only(out, Accept.class);
    assertThat(accept.firstSlot()).isEqualTo(21);
    assertThat(accept.values()).containsExactly(Value.NOOP, value(22));
    assertThat(accept.commitSlot()).as("slots below 21 are chosen").isEqualTo(21);
  }

  @Test
  @DisplayName("a learner that installs a snapshot continues after it, and never goes back")
  void learnerInstallsSnapshot() {
    DefaultLearner learner = new DefaultLearner(1, THREE, OPTIONS, 1, () -> 2);
    learner.installSnapshot(40, 0);
    assertThat(learner.nextSlot()).isEqualTo(41);

    learner.installSnapshot(30, 0);
    assertThat(learner.nextSlot()).as("an older snapshot is ignored").isEqualTo(41);

    learner.onAccept(new Accept(2, b(1, 2), 40, List.of(value(40), value(41)), 42), 0, out);
    assertThat(out.deliveries()).extracting(Outbox.Delivery::slot).containsExactly(41L);
  }

  @Test
  @DisplayName(
      "a peer asking for slots this node compacted and no longer retains is sent the snapshot")
  void catchUpBelowTheSnapshotOffersIt() {
    ProtocolOptions few = OPTIONS.withRetainedSlots(4);
    ProtocolNode node =
        new ProtocolNode(
            1,
            THREE,
            few,
            new SplittableRandom(1),
            new DurableState(Ballot.ZERO, List.of(), 0, List.of(), 0),
            RoleFactory.DEFAULT);
    Outbox o = new Outbox();
    for (long s = 1; s <= 20; s++) {
      node.receive(new Accept(2, b(1, 2), s, List.of(value(s)), s + 1), s, o);
    }
    node.compact(15, o);
    o.clear();

    node.receive(new Message.CatchUpRequest(3, 18, 10), 30, o);
    assertThat(sent(o, Message.CatchUpReply.class)).hasSize(1);
    assertThat(o.snapshotSends()).isEmpty();

    o.clear();
    node.receive(new Message.CatchUpRequest(3, 5, 10), 30, o);
    assertThat(sent(o)).isEmpty();
    assertThat(o.snapshotSends()).containsExactly(3);
  }

  @Test
  @DisplayName("a node started from a compacted state starts its learner and proposer after it")
  void nodeStartsAfterTheCompaction() {
    ProtocolNode node =
        new ProtocolNode(
            1,
            THREE,
            OPTIONS,
            new SplittableRandom(1),
            new DurableState(Ballot.ZERO, List.of(), 0, List.of(value(31), value(32)), 30),
            RoleFactory.DEFAULT);
    assertThat(node.learner().orElseThrow().nextSlot()).isEqualTo(33);
    assertThat(node.snapshotSlot()).isEqualTo(30);
    assertThat(node.acceptor().orElseThrow().compactedThrough()).isEqualTo(30);
  }

  @Test
  @DisplayName(
      "an acceptor does not answer an AcceptedQuery that reaches into its compacted slots: an"
          + " older ballot's value elsewhere could pass for the highest reported")
  void acceptedQueryIntoCompactedSlotsIsNotAnswered() {
    ProtocolNode node =
        new ProtocolNode(
            1,
            THREE,
            OPTIONS,
            new SplittableRandom(1),
            new DurableState(
                Ballot.ZERO, List.of(new AcceptedEntry(12, b(1, 2), value(12))), 0, List.of(), 10),
            RoleFactory.DEFAULT);
    Outbox o = new Outbox();

    node.receive(new Message.AcceptedQuery(3, 1, 8, 13), 0, o);
    assertThat(sent(o)).isEmpty();

    node.receive(new Message.AcceptedQuery(3, 2, 11, 13), 0, o);
    assertThat(only(o, Message.AcceptedReport.class).accepted())
        .extracting(AcceptedEntry::slot)
        .containsExactly(12L);
  }
}
