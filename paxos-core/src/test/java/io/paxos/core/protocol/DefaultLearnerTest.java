package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.CatchUpReply;
import io.paxos.core.protocol.Message.CatchUpRequest;
import io.paxos.core.protocol.Outbox.Delivery;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DefaultLearnerTest {
  private static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private static final long RETRY = OPTIONS.retransmitMs();
  private static final Ballot B1 = b(1, 2);
  private static final Ballot B2 = b(2, 3);

  private final Outbox out = new Outbox();
  private int leader;

  private DefaultLearner learner(ClusterConfig config, ProtocolOptions options, long firstSlot) {
    return new DefaultLearner(1, config, options, firstSlot, () -> leader);
  }

  private final DefaultLearner learner = learner(THREE, OPTIONS, 1);

  private static Accept accept(Ballot ballot, long firstSlot, long commitSlot, Value... values) {
    return new Accept(ballot.nodeId(), ballot, firstSlot, List.of(values), commitSlot);
  }

  private static Delivery d(long slot, Value value) {
    return new Delivery(slot, value);
  }

  @Nested
  @DisplayName("delivery")
  class DeliveryOrder {

    @Test
    @DisplayName(
        "values are delivered when the commit point passes them, in slot order, each exactly once")
    void deliversInOrderExactlyOnce() {
      learner.onAccept(accept(B1, 2, 1, value(2)), 0, out);
      learner.onAccept(accept(B1, 1, 1, value(1)), 0, out);
      assertThat(out.deliveries()).isEmpty();

      learner.onCommit(B1, 3, 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(1)), d(2, value(2)));
      assertThat(learner.nextSlot()).isEqualTo(3);
      out.clear();

      learner.onCommit(B1, 3, 0, out);
      learner.onAccept(accept(B1, 1, 3, value(1), value(2)), 0, out);
      learner.onCatchUpReply(new CatchUpReply(2, 1, List.of(value(1), value(2))), 0, out);
      assertThat(out.deliveries()).isEmpty();
    }

    @Test
    @DisplayName("an accepted value the commit point has not passed is not delivered")
    void acceptedButNotCommittedNotDelivered() {
      learner.onAccept(accept(B1, 1, 1, value(1), value(2)), 0, out);
      learner.onCommit(B1, 2, 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(1)));
      assertThat(learner.nextSlot()).isEqualTo(2);
    }

    @Test
    @DisplayName("a slot whose value is missing holds back every later slot: no gaps")
    void noGaps() {
      learner.onAccept(accept(B1, 1, 0, value(1)), 0, out);
      learner.onAccept(accept(B1, 3, 0, value(3)), 0, out);
      learner.onCommit(B1, 4, 0, out);
      assertThat(out.deliveries()).containsExactly(d(1, value(1)));
      out.clear();

      learner.onAccept(accept(B1, 2, 4, value(2)), 0, out);

      assertThat(out.deliveries()).containsExactly(d(2, value(2)), d(3, value(3)));
      assertThat(learner.nextSlot()).isEqualTo(4);
    }

    @Test
    @DisplayName("an Accept that arrives after the commit point of its ballot is delivered")
    void acceptAfterCommitInSameBallot() {
      learner.onCommit(B1, 2, 0, out);
      assertThat(out.deliveries()).isEmpty();

      learner.onAccept(accept(B1, 1, 0, value(1)), 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(1)));
    }

    @Test
    @DisplayName("a learner restarted at a later slot delivers from there on only")
    void firstSlotAfterRestart() {
      DefaultLearner restarted = learner(THREE, OPTIONS, 4);

      restarted.onAccept(
          accept(B1, 1, 6, value(1), value(2), value(3), value(4), value(5)), 0, out);

      assertThat(out.deliveries()).containsExactly(d(4, value(4)), d(5, value(5)));
    }
  }

  @Nested
  @DisplayName("values accepted in other ballots")
  class OtherBallots {

    @Test
    @DisplayName(
        "a value accepted in a ballot other than the committing one is never delivered; the"
            + " learner fetches the chosen value instead (docs/pitfalls.md #8)")
    void otherBallotValueFetched() {
      learner.tick(0, out);
      learner.onAccept(accept(B1, 1, 0, value(1)), 0, out);

      learner.onCommit(B2, 2, 0, out);

      assertThat(out.deliveries()).isEmpty();
      learner.tick(RETRY - 1, out);
      assertThat(sent(out)).isEmpty();
      learner.tick(RETRY, out);
      CatchUpRequest request = sent(out, CatchUpRequest.class).get(0);
      assertThat(request.fromSlot()).isEqualTo(1);
      assertThat(request.maxSlots()).isEqualTo(OPTIONS.maxSlotsPerMessage());
      out.clear();

      learner.onCatchUpReply(new CatchUpReply(2, 1, List.of(value(2))), RETRY, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(2)));
    }

    @Test
    @DisplayName("a value of a higher ballot is not delivered on a lower ballot's commit point")
    void higherBallotValueNotDeliveredOnLowerCommit() {
      learner.onAccept(accept(B1, 1, 0, value(1)), 0, out);
      learner.onAccept(accept(B2, 1, 0, value(2)), 0, out);

      learner.onCommit(B1, 2, 0, out);

      assertThat(out.deliveries()).isEmpty();
    }

    @Test
    @DisplayName(
        "an Accept of a lower ballot after a higher ballot's commit point is not delivered")
    void lowerBallotAcceptAfterHigherCommit() {
      learner.onCommit(B2, 2, 0, out);

      learner.onAccept(accept(B1, 1, 0, value(1)), 0, out);

      assertThat(out.deliveries()).isEmpty();
    }
  }

  @Nested
  @DisplayName("votes sent to learners")
  class Votes {
    private final ProtocolOptions toLearners = OPTIONS.withAcceptedToLearners(true);
    private final DefaultLearner voting = learner(THREE, toLearners, 1);

    @Test
    @DisplayName(
        "To learn that a value has been chosen, a learner must find out that a proposal has been"
            + " accepted by a majority of acceptors: a duplicated vote counts once")
    void majorityOfDistinctVotes() {
      voting.onAccept(accept(B1, 1, 0, value(1)), 0, out);
      voting.onAccepted(new Accepted(2, B1, 1, 1), 0, out);
      voting.onAccepted(new Accepted(2, B1, 1, 1), 0, out);
      assertThat(out.deliveries()).isEmpty();

      voting.onAccepted(new Accepted(3, B1, 1, 1), 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(1)));
    }

    @Test
    @DisplayName("votes for one slot in different ballots are not added up (docs/pitfalls.md #7)")
    void votesAcrossBallotsNotAdded() {
      voting.onAccept(accept(B2, 1, 0, value(2)), 0, out);
      voting.onAccepted(new Accepted(2, B1, 1, 1), 0, out);
      voting.onAccepted(new Accepted(3, B2, 1, 1), 0, out);
      voting.onAccepted(new Accepted(2, B1, 1, 1), 0, out);
      assertThat(out.deliveries()).isEmpty();

      voting.onAccepted(new Accepted(1, B2, 1, 1), 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(2)));
    }

    @Test
    @DisplayName(
        "a stale vote of a lower ballot, arriving after a higher ballot's vote, does not complete a"
            + " quorum for the value held from that lower ballot")
    void staleLowerVoteNotAdded() {
      voting.onAccept(accept(B1, 1, 0, value(1)), 0, out);
      voting.onAccepted(new Accepted(3, B2, 1, 1), 0, out);
      voting.onAccepted(new Accepted(2, B1, 1, 1), 0, out);

      assertThat(out.deliveries()).isEmpty();
    }

    @Test
    @DisplayName("a quorum that arrives before the value is applied when the value arrives")
    void quorumBeforeValue() {
      voting.onAccepted(new Accepted(2, B1, 1, 2), 0, out);
      voting.onAccepted(new Accepted(3, B1, 1, 2), 0, out);
      assertThat(out.deliveries()).isEmpty();

      voting.onAccept(accept(B1, 1, 0, value(1), value(2)), 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(1)), d(2, value(2)));
    }

    @Test
    @DisplayName(
        "a quorum for one ballot does not choose the value this learner holds from another")
    void quorumForOtherBallotThanHeldValue() {
      voting.onAccept(accept(B2, 1, 0, value(2)), 0, out);

      voting.onAccepted(new Accepted(2, B1, 1, 1), 0, out);
      voting.onAccepted(new Accepted(3, B1, 1, 1), 0, out);

      assertThat(out.deliveries()).isEmpty();
    }

    @Test
    @DisplayName("a vote from a node that is not an acceptor is not counted")
    void nonAcceptorVoteIgnored() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(
                  Member.of(1, Role.LEARNER),
                  Member.of(2, Role.PROPOSER, Role.ACCEPTOR),
                  Member.of(3, Role.ACCEPTOR),
                  Member.of(4, Role.ACCEPTOR)));
      DefaultLearner l = learner(split, toLearners, 1);
      l.onAccept(accept(B1, 1, 0, value(1)), 0, out);
      l.onAccepted(new Accepted(1, B1, 1, 1), 0, out);
      l.onAccepted(new Accepted(2, B1, 1, 1), 0, out);
      assertThat(out.deliveries()).isEmpty();

      l.onAccepted(new Accepted(4, B1, 1, 1), 0, out);

      assertThat(out.deliveries()).containsExactly(d(1, value(1)));
    }
  }

  @Nested
  @DisplayName("catch-up")
  class CatchUp {

    @Test
    @DisplayName("a learner that misses nothing asks nobody")
    void noRequestWithoutGap() {
      learner.onAccept(accept(B1, 1, 2, value(1)), 0, out);
      learner.tick(0, out);
      learner.tick(10 * RETRY, out);

      assertThat(sent(out)).isEmpty();
    }

    @Test
    @DisplayName(
        "after a gap a learner asks for the missing slots every retransmitMs, from its peers in"
            + " turn and from the leader every other time, never from itself")
    void requestsAfterGap() {
      ClusterConfig five = ClusterConfig.of("test", 1, 2, 3, 4, 5);
      DefaultLearner l = learner(five, OPTIONS, 1);
      leader = 5;
      l.tick(0, out);
      l.onCommit(B1, 3, 0, out);

      List<Integer> targets = new ArrayList<>();
      for (long t = RETRY - 1; t <= 4 * RETRY; t += RETRY) {
        l.tick(t, out);
        assertThat(requests(out)).as("requests at %d", t).hasSize(targets.size());
        l.tick(t + 1, out);
        List<Probe.Sent> requests = requests(out);
        Probe.Sent s = requests.get(requests.size() - 1);
        targets.add(s.to());
        assertThat(s.message()).isEqualTo(new CatchUpRequest(1, 1, OPTIONS.maxSlotsPerMessage()));
      }

      assertThat(targets).containsExactly(2, 5, 3, 5);
    }

    @Test
    @DisplayName(
        "a catch-up reply is delivered in slot order, and only once the gap before it closes")
    void deliversFromCatchUpReply() {
      learner.onCommit(B1, 5, 0, out);

      learner.onCatchUpReply(new CatchUpReply(2, 3, List.of(value(3), value(4))), 0, out);
      assertThat(out.deliveries()).isEmpty();

      learner.onCatchUpReply(new CatchUpReply(3, 1, List.of(value(1), value(2))), 0, out);

      assertThat(out.deliveries())
          .containsExactly(d(1, value(1)), d(2, value(2)), d(3, value(3)), d(4, value(4)));
      assertThat(learner.nextSlot()).isEqualTo(5);
    }

    @Test
    @DisplayName("a catch-up reply overlapping delivered slots re-delivers nothing")
    void overlappingReply() {
      learner.onAccept(accept(B1, 1, 3, value(1), value(2)), 0, out);
      out.clear();

      learner.onCatchUpReply(new CatchUpReply(2, 1, List.of(value(1), value(2), value(3))), 0, out);

      assertThat(out.deliveries()).containsExactly(d(3, value(3)));
    }

    @Test
    @DisplayName("a learner serves the last retainedSlots delivered values, and nothing else")
    void servesRetainedValues() {
      DefaultLearner l = learner(THREE, OPTIONS.withRetainedSlots(3), 1);
      l.onAccept(
          accept(B1, 1, 6, value(1), value(2), value(3), value(4), value(5), value(6)), 0, out);
      l.onAccept(accept(B1, 7, 0, value(7)), 0, out);

      assertThat(l.delivered(1)).isEmpty();
      assertThat(l.delivered(2)).isEmpty();
      assertThat(l.delivered(3)).contains(value(3));
      assertThat(l.delivered(5)).contains(value(5));
      assertThat(l.delivered(6)).isEmpty();
      assertThat(l.delivered(7)).isEmpty();
      assertThat(l.deliveredFrom(3, 10)).containsExactly(value(3), value(4), value(5));
      assertThat(l.deliveredFrom(4, 1)).containsExactly(value(4));
      assertThat(l.deliveredFrom(1, 10)).isEmpty();
    }
  }

  @Test
  @DisplayName("the next slot to deliver starts at the given first slot")
  void nextSlotStartsAtFirstSlot() {
    assertThat(learner.nextSlot()).isEqualTo(1);
    assertThat(learner(THREE, OPTIONS, 9).nextSlot()).isEqualTo(9);
  }

  /** The catch-up requests sent so far (stalled learners also query acceptors; not counted). */
  private static List<Probe.Sent> requests(Outbox out) {
    return sent(out).stream().filter(x -> x.message() instanceof CatchUpRequest).toList();
  }
}
