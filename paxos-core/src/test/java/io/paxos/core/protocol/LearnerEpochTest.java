package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.AcceptedQuery;
import io.paxos.core.protocol.Outbox.Delivery;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A learner across a change of membership (docs/membership.md): it stops delivering at the change,
 * forgets what the ended epoch told it of later slots (R3), and from then on ignores the ended
 * epoch's ballots and counts votes only of the new configuration's acceptors (R4).
 */
class LearnerEpochTest {
  private static final ClusterConfig OLD = ClusterConfig.of("test", 1, 2, 3);
  private static final ClusterConfig NEW = ClusterConfig.of("test", 1, 2, 4);
  private static final Value.Reconfigure CHANGE = new Value.Reconfigure(1, NEW);
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private static final Ballot OLD_LEADER = new Ballot(0, 5, 2);
  private static final Ballot NEW_LEADER = new Ballot(1, 6, 2);

  private final Outbox out = new Outbox();
  private final DefaultLearner learner = new DefaultLearner(1, OLD, OPTIONS, 1, () -> 2);

  private static Accept accept(Ballot ballot, long firstSlot, long commitSlot, Value... values) {
    return new Accept(ballot.nodeId(), ballot, firstSlot, List.of(values), commitSlot);
  }

  /** The old epoch chose value 1 in slot 1 and the change in slot 2; slot 3 held a void value. */
  private void deliverTheChange() {
    learner.onAccept(accept(OLD_LEADER, 1, 4, value(1), CHANGE, value(99)), 0, out);
  }

  @Test
  @DisplayName(
      "delivery stops at the change, even when the ended epoch's commit point passed the void slot"
          + " after it; the new epoch governs from the next slot")
  void stopsAtTheChange() {
    deliverTheChange();

    assertThat(out.deliveries())
        .containsExactly(new Delivery(1, value(1)), new Delivery(2, CHANGE));
    assertThat(learner.nextSlot()).isEqualTo(3);
    assertThat(learner.membership()).isEqualTo(new Membership(1, NEW, 3));
  }

  @Test
  @DisplayName(
      "what the ended epoch said of later slots is forgotten: the new epoch's value is delivered"
          + " there, and the ended epoch's Accept and commit point change nothing any more")
  void newEpochDecidesTheSlotsAfterTheChange() {
    deliverTheChange();
    out.clear();

    learner.onAccept(accept(OLD_LEADER, 3, 4, value(99)), 0, out);
    learner.onCommit(OLD_LEADER, 9, 0, out);
    assertThat(out.deliveries()).isEmpty();
    assertThat(learner.chosenBelow())
        .as("an ended epoch's commit point is not even a hint")
        .isEqualTo(3);

    learner.onAccept(accept(NEW_LEADER, 3, 4, value(3)), 0, out);
    assertThat(out.deliveries()).containsExactly(new Delivery(3, value(3)));
  }

  @Test
  @DisplayName(
      "what the new epoch's ballots told a learner before it delivered the change is kept: a"
          + " learner that missed the old epoch's tail delivers the new epoch's slots at once")
  void keepsWhatTheNewEpochSaidBeforeTheSwitch() {
    learner.onAccept(accept(NEW_LEADER, 3, 5, value(3), value(4)), 0, out);
    assertThat(out.deliveries()).isEmpty(); // slots 1 and 2 are missing

    learner.onCatchUpReply(new Message.CatchUpReply(2, 1, List.of(value(1), CHANGE)), 0, out);

    assertThat(out.deliveries())
        .containsExactly(
            new Delivery(1, value(1)),
            new Delivery(2, CHANGE),
            new Delivery(3, value(3)),
            new Delivery(4, value(4)));
    assertThat(learner.membership().epoch()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "votes count against the new configuration only: an ended epoch's quorum and a removed"
          + " acceptor's vote choose nothing")
  void votesOfTheNewConfigurationOnly() {
    deliverTheChange();
    out.clear();
    learner.onAccept(accept(NEW_LEADER, 3, 0, value(3)), 0, out);
    learner.onAccept(accept(OLD_LEADER, 4, 0, value(98)), 0, out);

    // Two votes of the ended epoch for slot 4, then acceptor 3 (removed) with acceptor 1.
    learner.onAccepted(new Accepted(1, OLD_LEADER, 4, 1), 0, out);
    learner.onAccepted(new Accepted(2, OLD_LEADER, 4, 1), 0, out);
    learner.onAccepted(new Accepted(3, NEW_LEADER, 3, 1), 0, out);
    learner.onAccepted(new Accepted(1, NEW_LEADER, 3, 1), 0, out);
    assertThat(out.deliveries()).isEmpty();

    learner.onAccepted(new Accepted(4, NEW_LEADER, 3, 1), 0, out); // the new acceptor
    assertThat(out.deliveries()).containsExactly(new Delivery(3, value(3)));
  }

  @Test
  @DisplayName("a learner that asks the acceptors asks those of the new configuration")
  void queriesTheNewAcceptors() {
    deliverTheChange();
    out.clear();
    learner.onCommit(NEW_LEADER, 5, 0, out);
    learner.tick(0, out);
    learner.tick(OPTIONS.retransmitMs(), out);
    learner.tick(2 * OPTIONS.retransmitMs(), out);

    List<Probe.Sent> queries =
        sent(out).stream().filter(s -> s.message() instanceof AcceptedQuery).toList();
    assertThat(queries).isNotEmpty();
    assertThat(queries).allSatisfy(q -> assertThat(q.to()).isIn(1, 2, 4));
    assertThat(queries).extracting(Probe.Sent::to).contains(4);
  }

  @Test
  @DisplayName(
      "a change that names another epoch or cluster is delivered as a no-op: every node reads it"
          + " the same way, and the epoch goes on")
  void ineffectiveChangesChangeNothing() {
    Value wrongEpoch = new Value.Reconfigure(2, NEW);
    Value wrongCluster = new Value.Reconfigure(1, ClusterConfig.of("other", 1, 2, 4));
    learner.onAccept(accept(OLD_LEADER, 1, 4, wrongEpoch, wrongCluster, value(3)), 0, out);

    assertThat(out.deliveries()).hasSize(3);
    assertThat(learner.membership()).isEqualTo(Membership.initial(OLD));
  }

  @Test
  @DisplayName(
      "an adopted membership of a later epoch replaces the current one; an older one does not")
  void adoptsOnlyLaterEpochs() {
    learner.adoptMembership(new Membership(3, NEW, 40));
    assertThat(learner.membership().epoch()).isEqualTo(3);
    learner.adoptMembership(new Membership(2, OLD, 50));
    assertThat(learner.membership()).isEqualTo(new Membership(3, NEW, 40));
  }
}
