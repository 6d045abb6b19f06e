package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rule tests of a learner recovering chosen values from the acceptors when no peer holds them: it
 * asks only for slots it knows are chosen, needs answers from enough acceptors to meet every
 * phase-2 quorum, and takes the value of the highest ballot reported.
 */
class LearnerRecoveryTest {
  private static final ClusterConfig THREE = ClusterConfig.of("t", 1, 2, 3);
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private static final Ballot LOW = new Ballot(1, 2);
  private static final Ballot HIGH = new Ballot(2, 3);

  private static Value value(long seq) {
    return new Value.Batch(List.of(new Command(1, 9, seq, new byte[] {(byte) seq})));
  }

  private static Message.AcceptedQuery stallUntilQuery(DefaultLearner learner, Outbox out) {
    learner.onCommit(HIGH, 3, 0, out);
    long now = 0;
    for (int round = 0; round < 4; round++) {
      learner.tick(now, out);
      now += OPTIONS.retransmitMs();
      for (int i = 0; i < out.sendCount(); i++) {
        if (out.sendMessage(i) instanceof Message.AcceptedQuery q) {
          return q;
        }
      }
      out.clear();
    }
    throw new AssertionError("the stalled learner never asked the acceptors");
  }

  private static List<Long> deliveredSlots(Outbox out) {
    List<Long> slots = new ArrayList<>();
    out.deliveries().forEach(d -> slots.add(d.slot()));
    return slots;
  }

  @Test
  void aStalledLearnerAsksTheAcceptorsOnlyForSlotsKnownChosen() {
    DefaultLearner learner = new DefaultLearner(1, THREE, OPTIONS, 1, () -> 0);
    Message.AcceptedQuery q = stallUntilQuery(learner, new Outbox());
    assertThat(q.fromSlot()).isEqualTo(1);
    assertThat(q.toSlot()).isEqualTo(3);
  }

  @Test
  void theHighestBallotAmongAReadQuorumIsTheChosenValue() {
    DefaultLearner learner = new DefaultLearner(1, THREE, OPTIONS, 1, () -> 0);
    Outbox out = new Outbox();
    Message.AcceptedQuery q = stallUntilQuery(learner, out);
    out.clear();
    List<AcceptedEntry> fromTwo =
        List.of(new AcceptedEntry(1, LOW, value(1)), new AcceptedEntry(2, LOW, value(7)));
    learner.onAcceptedReport(new Message.AcceptedReport(2, q.queryId(), 1, 3, fromTwo), 0, out);
    learner.onAcceptedReport(new Message.AcceptedReport(2, q.queryId(), 1, 3, fromTwo), 0, out);
    assertThat(out.deliveries()).as("one acceptor, even twice, is not enough").isEmpty();

    List<AcceptedEntry> fromThree =
        List.of(new AcceptedEntry(1, LOW, value(1)), new AcceptedEntry(2, HIGH, value(2)));
    learner.onAcceptedReport(
        new Message.AcceptedReport(3, q.queryId(), 1, 4, fromThree), 0, out); // beyond the query
    learner.onAcceptedReport(
        new Message.AcceptedReport(3, q.queryId(), 2, 3, fromThree), 0, out); // another start
    assertThat(out.deliveries()).isEmpty();
    learner.onAcceptedReport(new Message.AcceptedReport(3, q.queryId(), 1, 3, fromThree), 0, out);
    assertThat(deliveredSlots(out)).containsExactly(1L, 2L);
    assertThat(out.deliveries().get(0).value()).isEqualTo(value(1));
    assertThat(out.deliveries().get(1).value()).isEqualTo(value(2));
  }

  @Test
  void anAcceptorWhoseEntriesDoNotFitOneMessageNarrowsTheQuery() {
    DefaultLearner learner = new DefaultLearner(1, THREE, OPTIONS, 1, () -> 0);
    Outbox out = new Outbox();
    Message.AcceptedQuery q = stallUntilQuery(learner, out);
    out.clear();
    List<AcceptedEntry> fromTwo =
        List.of(new AcceptedEntry(1, HIGH, value(1)), new AcceptedEntry(2, LOW, value(7)));
    learner.onAcceptedReport(new Message.AcceptedReport(2, q.queryId(), 1, 3, fromTwo), 0, out);
    // Acceptor 3 reports slot 1 only: its entry of slot 2 did not fit the same message.
    List<AcceptedEntry> fromThree = List.of(new AcceptedEntry(1, LOW, value(5)));
    learner.onAcceptedReport(new Message.AcceptedReport(3, q.queryId(), 1, 2, fromThree), 0, out);
    assertThat(deliveredSlots(out))
        .as("slot 2 was not answered by a read quorum: only slot 1 is learned")
        .containsExactly(1L);
    assertThat(out.deliveries().get(0).value()).isEqualTo(value(1));
  }

  @Test
  void anAnswerToAnotherQueryDoesNotCount() {
    DefaultLearner learner = new DefaultLearner(1, THREE, OPTIONS, 1, () -> 0);
    Outbox out = new Outbox();
    Message.AcceptedQuery q = stallUntilQuery(learner, out);
    out.clear();
    List<AcceptedEntry> entries = List.of(new AcceptedEntry(1, LOW, value(1)));
    learner.onAcceptedReport(new Message.AcceptedReport(2, q.queryId(), 1, 3, entries), 0, out);
    learner.onAcceptedReport(new Message.AcceptedReport(3, q.queryId() + 1, 1, 3, entries), 0, out);
    assertThat(out.deliveries()).isEmpty();
  }
}
