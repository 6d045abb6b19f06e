package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.recipients;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.HeartbeatAck;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DefaultAcceptorTest {
  private static final ClusterConfig CONFIG = ClusterConfig.of("test", 1, 2, 3);
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private static final long LOYALTY = OPTIONS.electionTimeoutMinMs();

  private final DefaultAcceptor acceptor =
      new DefaultAcceptor(1, CONFIG, OPTIONS, DurableState.EMPTY);
  private final Outbox out = new Outbox();

  private void prepare(Ballot ballot, long fromSlot, long now) {
    acceptor.onPrepare(new Prepare(ballot.nodeId(), ballot, fromSlot), now, out);
  }

  private void accept(Ballot ballot, long firstSlot, List<Value> values, long now) {
    acceptor.onAccept(new Accept(ballot.nodeId(), ballot, firstSlot, values, 0), now, out);
  }

  @Nested
  @DisplayName("phase 1")
  class Phase1 {

    @Test
    @DisplayName(
        "If an acceptor receives a prepare request with number n greater than that of any prepare"
            + " request to which it has already responded, then it responds with a promise")
    void promisesAHigherBallot() {
      prepare(b(1, 2), 1, 0);

      Promise promise = onlyTo(out, 2, Promise.class);
      assertThat(promise.ballot()).isEqualTo(b(1, 2));
      assertThat(promise.from()).isEqualTo(1);
      assertThat(promise.accepted()).isEmpty();
      assertThat(acceptor.promised()).isEqualTo(b(1, 2));
      assertThat(sent(out)).hasSize(1);
    }

    @Test
    @DisplayName("the promise is recorded for persisting in the same call that queues the Promise")
    void promisePersistedWithReply() {
      prepare(b(4, 3), 1, 0);

      assertThat(out.promise()).contains(b(4, 3));
      assertThat(out.needsSync()).isTrue();
      assertThat(sent(out, Promise.class)).hasSize(1);
    }

    @Test
    @DisplayName(
        "an acceptor never promises below its promise: a lower Prepare gets a Nack naming the"
            + " promise, and nothing changes or is persisted")
    void neverPromisesBelow() {
      prepare(b(5, 2), 1, 0);
      out.clear();

      prepare(b(4, 3), 1, 0);

      Nack nack = onlyTo(out, 3, Nack.class);
      assertThat(nack.rejected()).isEqualTo(b(4, 3));
      assertThat(nack.promised()).isEqualTo(b(5, 2));
      assertThat(sent(out, Promise.class)).isEmpty();
      assertThat(out.needsSync()).isFalse();
      assertThat(acceptor.promised()).isEqualTo(b(5, 2));
    }

    @Test
    @DisplayName(
        "once it promised a ballot of a later membership epoch, an acceptor refuses every ballot"
            + " of an earlier epoch, however high its round (docs/membership.md, R5)")
    void laterEpochOutranksAnyRoundOfAnEarlierOne() {
      Ballot epoch1 = new Ballot(1, 2, 2);
      prepare(epoch1, 1, 0);
      out.clear();

      Ballot oldEpochHighRound = new Ballot(0, Ballot.MAX_ROUND, 3);
      prepare(oldEpochHighRound, 1, 0);
      accept(oldEpochHighRound, 1, List.of(value(1)), 0);

      assertThat(sent(out, Nack.class)).hasSize(2);
      assertThat(sent(out, Nack.class)).allMatch(n -> n.promised().equals(epoch1));
      assertThat(sent(out, Promise.class)).isEmpty();
      assertThat(sent(out, Accepted.class)).isEmpty();
      assertThat(acceptor.promised()).isEqualTo(epoch1);
    }

    @Test
    @DisplayName("the same round from a lower node id is a lower ballot and is refused")
    void sameRoundLowerNodeRefused() {
      prepare(b(5, 2), 1, 0);
      out.clear();

      prepare(b(5, 1), 1, 0);

      assertThat(onlyTo(out, 1, Nack.class).promised()).isEqualTo(b(5, 2));
      assertThat(acceptor.promised()).isEqualTo(b(5, 2));
    }

    @Test
    @DisplayName(
        "a repeated Prepare with the promised ballot is answered again (its Promise may have been"
            + " lost), reporting the accepted values (docs/pitfalls.md #6)")
    void rePrepareWithSameBallotAnsweredAgain() {
      prepare(b(2, 2), 1, 0);
      accept(b(2, 2), 1, List.of(value(1)), 0);
      out.clear();

      prepare(b(2, 2), 1, 0);

      Promise again = onlyTo(out, 2, Promise.class);
      assertThat(again.ballot()).isEqualTo(b(2, 2));
      assertThat(again.accepted()).containsExactly(new AcceptedEntry(1, b(2, 2), value(1)));
      assertThat(sent(out, Nack.class)).isEmpty();
      assertThat(acceptor.promised()).isEqualTo(b(2, 2));
    }

    @Test
    @DisplayName(
        "a Promise reports what was accepted from the Prepare's first slot on, each slot with its"
            + " ballot and value, and skips slots with nothing accepted")
    void promiseReportsAcceptedFromFromSlot() {
      accept(b(1, 2), 1, List.of(value(1), value(2), value(3)), 0);
      accept(b(1, 2), 7, List.of(value(7)), 0);
      accept(b(2, 3), 3, List.of(value(33)), 0);
      out.clear();

      prepare(b(3, 2), 2, 10_000);

      Promise promise = onlyTo(out, 2, Promise.class);
      assertThat(promise.fromSlot()).isEqualTo(2);
      assertThat(promise.accepted())
          .containsExactly(
              new AcceptedEntry(2, b(1, 2), value(2)),
              new AcceptedEntry(3, b(2, 3), value(33)),
              new AcceptedEntry(7, b(1, 2), value(7)));
    }

    @Test
    @DisplayName("a Prepare from beyond everything accepted gets a Promise with nothing to report")
    void promiseAboveAllAccepted() {
      accept(b(1, 2), 1, List.of(value(1), value(2)), 0);
      out.clear();

      prepare(b(2, 3), 3, 10_000);

      assertThat(onlyTo(out, 3, Promise.class).accepted()).isEmpty();
    }
  }

  @Nested
  @DisplayName("phase 2")
  class Phase2 {

    @Test
    @DisplayName(
        "P1a: an acceptor can accept a proposal numbered n iff it has not responded to a prepare"
            + " request having a number greater than n")
    void p1a() {
      prepare(b(5, 2), 1, 0);
      out.clear();

      accept(b(4, 3), 1, List.of(value(1)), 0);

      Nack nack = onlyTo(out, 3, Nack.class);
      assertThat(nack.rejected()).isEqualTo(b(4, 3));
      assertThat(nack.promised()).isEqualTo(b(5, 2));
      assertThat(sent(out, Accepted.class)).isEmpty();
      assertThat(out.accepted()).isEmpty();
      assertThat(acceptor.accepted(1)).isEmpty();

      out.clear();
      accept(b(5, 2), 1, List.of(value(2)), 0);

      assertThat(onlyTo(out, 2, Accepted.class)).isEqualTo(new Accepted(1, b(5, 2), 1, 1));
      assertThat(acceptor.accepted(1)).contains(new AcceptedEntry(1, b(5, 2), value(2)));
    }

    @Test
    @DisplayName(
        "an Accept with exactly the promised ballot is accepted: the leader's normal case"
            + " (docs/pitfalls.md #6: '>' instead of '>=' stalls the leader)")
    void equalBallotAccepted() {
      prepare(b(3, 2), 1, 0);
      out.clear();

      accept(b(3, 2), 1, List.of(value(1)), 0);

      assertThat(sent(out, Nack.class)).isEmpty();
      assertThat(onlyTo(out, 2, Accepted.class).ballot()).isEqualTo(b(3, 2));
    }

    @Test
    @DisplayName(
        "the accepted values are recorded for persisting in the same call that queues the Accepted"
            + " vote")
    void acceptedPersistedWithVote() {
      accept(b(1, 2), 4, List.of(value(4), value(5), value(6)), 0);

      assertThat(out.accepted())
          .containsExactly(
              new AcceptedEntry(4, b(1, 2), value(4)),
              new AcceptedEntry(5, b(1, 2), value(5)),
              new AcceptedEntry(6, b(1, 2), value(6)));
      assertThat(out.needsSync()).isTrue();
      assertThat(onlyTo(out, 2, Accepted.class)).isEqualTo(new Accepted(1, b(1, 2), 4, 3));
    }

    @Test
    @DisplayName(
        "an Accept above the promise raises the promise, persisted with the vote, so a Prepare"
            + " between the two ballots is refused afterwards")
    void acceptAbovePromiseRaisesIt() {
      prepare(b(1, 3), 1, 0);
      out.clear();

      accept(b(4, 2), 1, List.of(value(1)), 0);

      assertThat(out.promise()).contains(b(4, 2));
      assertThat(acceptor.promised()).isEqualTo(b(4, 2));
      out.clear();

      prepare(b(3, 3), 1, 0);
      assertThat(onlyTo(out, 3, Nack.class).promised()).isEqualTo(b(4, 2));
    }

    @Test
    @DisplayName("a later Accept for a slot replaces the earlier accepted value with its ballot")
    void reacceptReplacesValue() {
      accept(b(1, 2), 1, List.of(value(1)), 0);
      accept(b(2, 3), 1, List.of(value(2)), 0);

      assertThat(acceptor.accepted(1)).contains(new AcceptedEntry(1, b(2, 3), value(2)));
      out.clear();
      accept(b(1, 2), 1, List.of(value(3)), 0);
      assertThat(acceptor.accepted(1)).contains(new AcceptedEntry(1, b(2, 3), value(2)));
    }

    @Test
    @DisplayName("the Accepted vote goes to the leader only, unless acceptedToLearners is set")
    void acceptedGoesToLeaderOnlyByDefault() {
      accept(b(1, 2), 1, List.of(value(1)), 0);

      assertThat(recipients(out, Accepted.class)).containsExactly(2);
    }

    @Test
    @DisplayName(
        "with acceptedToLearners, the vote also goes to every learner except the leader, which"
            + " already has it")
    void acceptedToLearners() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(
                  Member.of(1, Role.ACCEPTOR),
                  Member.of(2, Role.PROPOSER, Role.LEARNER),
                  Member.of(3, Role.ACCEPTOR),
                  Member.of(4, Role.LEARNER),
                  Member.of(5, Role.ACCEPTOR, Role.LEARNER)));
      DefaultAcceptor a =
          new DefaultAcceptor(1, split, OPTIONS.withAcceptedToLearners(true), DurableState.EMPTY);

      a.onAccept(new Accept(2, b(1, 2), 1, List.of(value(1)), 0), 0, out);

      assertThat(recipients(out, Accepted.class)).containsExactly(2, 4, 5);
      assertThat(sent(out, Accepted.class)).containsOnly(new Accepted(1, b(1, 2), 1, 1));
    }
  }

  @Nested
  @DisplayName("heartbeats")
  class Heartbeats {

    @Test
    @DisplayName("a heartbeat at or above the promise is acknowledged, echoing its sequence")
    void heartbeatAcked() {
      prepare(b(2, 2), 1, 0);
      out.clear();

      acceptor.onHeartbeat(new Heartbeat(2, b(2, 2), 0, 17), 0, out);

      assertThat(onlyTo(out, 2, HeartbeatAck.class)).isEqualTo(new HeartbeatAck(1, b(2, 2), 17));
      assertThat(out.needsSync()).isFalse();
    }

    @Test
    @DisplayName("a heartbeat below the promise is refused with a Nack naming the promise")
    void heartbeatBelowPromiseNacked() {
      prepare(b(3, 3), 1, 0);
      out.clear();

      acceptor.onHeartbeat(new Heartbeat(2, b(2, 2), 0, 5), 0, out);

      assertThat(sent(out, HeartbeatAck.class)).isEmpty();
      assertThat(onlyTo(out, 2, Nack.class)).isEqualTo(new Nack(1, b(2, 2), b(3, 3)));
    }

    @Test
    @DisplayName("a heartbeat above the promise raises it, persisted before the ack leaves")
    void heartbeatAbovePromiseRaisesIt() {
      acceptor.onHeartbeat(new Heartbeat(2, b(2, 2), 0, 1), 0, out);

      assertThat(acceptor.promised()).isEqualTo(b(2, 2));
      assertThat(out.promise()).contains(b(2, 2));
      assertThat(sent(out, HeartbeatAck.class)).hasSize(1);
    }
  }

  @Nested
  @DisplayName("loyalty to a live leader")
  class Loyalty {

    @Test
    @DisplayName(
        "within electionTimeoutMin of hearing the leader, a higher Prepare from another proposer"
            + " is refused; from that instant on it is promised")
    void refusesAnotherProposerWhileLeaderIsLive() {
      accept(b(1, 2), 1, List.of(value(1)), 1_000);
      out.clear();

      prepare(b(2, 3), 1, 1_000 + LOYALTY - 1);

      Nack nack = onlyTo(out, 3, Nack.class);
      assertThat(nack.rejected()).isEqualTo(b(2, 3));
      assertThat(nack.promised()).isEqualTo(b(1, 2));
      assertThat(acceptor.promised()).isEqualTo(b(1, 2));
      assertThat(out.needsSync()).isFalse();
      out.clear();

      prepare(b(2, 3), 1, 1_000 + LOYALTY);

      assertThat(onlyTo(out, 3, Promise.class).ballot()).isEqualTo(b(2, 3));
      assertThat(acceptor.promised()).isEqualTo(b(2, 3));
    }

    @Test
    @DisplayName("a heartbeat renews loyalty like an Accept does")
    void heartbeatRenewsLoyalty() {
      accept(b(1, 2), 1, List.of(value(1)), 0);
      acceptor.onHeartbeat(new Heartbeat(2, b(1, 2), 1, 1), 250, out);
      out.clear();

      prepare(b(2, 3), 1, 250 + LOYALTY - 1);
      assertThat(sent(out, Nack.class)).hasSize(1);
      out.clear();

      prepare(b(2, 3), 1, 250 + LOYALTY);
      assertThat(sent(out, Promise.class)).hasSize(1);
    }

    @Test
    @DisplayName("the live leader itself may re-run phase 1 with a higher ballot at any time")
    void leaderMayRePrepare() {
      accept(b(1, 2), 1, List.of(value(1)), 1_000);
      out.clear();

      prepare(b(5, 2), 1, 1_001);

      assertThat(onlyTo(out, 2, Promise.class).ballot()).isEqualTo(b(5, 2));
    }

    @Test
    @DisplayName("an acceptor that never heard a leader promises a higher Prepare at once")
    void noLoyaltyWithoutALeader() {
      prepare(b(1, 2), 1, 1_000);
      out.clear();

      prepare(b(2, 3), 1, 1_001);

      assertThat(onlyTo(out, 3, Promise.class).ballot()).isEqualTo(b(2, 3));
    }
  }

  @Nested
  @DisplayName("delivered values")
  class Delivered {

    @Test
    @DisplayName(
        "an entry holding the delivered value takes the learner's packed copy, with its ballot, and"
            + " is reported as before")
    void holdsThePackedCopyOfItsOwnValue() {
      Value mine = value(1);
      accept(b(2, 2), 1, List.of(mine), 0);
      Value kept = mine.packed();

      acceptor.onDelivered(1, mine, kept);

      AcceptedEntry entry = acceptor.accepted(1).orElseThrow();
      assertThat(entry.value()).isSameAs(kept);
      assertThat(entry.ballot()).isEqualTo(b(2, 2));
      out.clear();
      prepare(b(3, 3), 1, LOYALTY + 1);
      assertThat(onlyTo(out, 3, Promise.class).accepted())
          .containsExactly(new AcceptedEntry(1, b(2, 2), mine));
    }

    @Test
    @DisplayName(
        "an entry holding another value (an equal copy, or a lower ballot's value) stays as it is")
    void leavesOtherValuesAlone() {
      Value mine = value(1);
      accept(b(2, 2), 1, List.of(mine), 0);
      Value equalCopy = value(1);

      acceptor.onDelivered(1, equalCopy, equalCopy.packed());
      acceptor.onDelivered(1, value(2), value(2).packed());
      acceptor.onDelivered(2, mine, mine.packed()); // nothing accepted there

      assertThat(acceptor.accepted(1).orElseThrow().value()).isSameAs(mine);
      assertThat(acceptor.accepted(2)).isEmpty();
    }
  }

  @Nested
  @DisplayName("recovery")
  class Recovery {

    @Test
    @DisplayName(
        "an acceptor restarted from its durable state keeps its promise and reports what it had"
            + " accepted")
    void recoversFromDurableState() {
      DurableState state =
          new DurableState(
              b(5, 2),
              List.of(
                  new AcceptedEntry(1, b(4, 2), value(1)), new AcceptedEntry(3, b(5, 2), value(3))),
              0,
              List.of());
      DefaultAcceptor restarted = new DefaultAcceptor(1, CONFIG, OPTIONS, state);

      assertThat(restarted.promised()).isEqualTo(b(5, 2));
      assertThat(restarted.accepted(1)).contains(new AcceptedEntry(1, b(4, 2), value(1)));
      assertThat(restarted.accepted(2)).isEmpty();

      restarted.onPrepare(new Prepare(3, b(4, 3), 1), 0, out);
      assertThat(onlyTo(out, 3, Nack.class).promised()).isEqualTo(b(5, 2));
      out.clear();

      restarted.onAccept(new Accept(2, b(4, 2), 1, List.of(value(9)), 0), 0, out);
      assertThat(sent(out, Accepted.class)).isEmpty();
      assertThat(restarted.accepted(1)).contains(new AcceptedEntry(1, b(4, 2), value(1)));
      out.clear();

      restarted.onPrepare(new Prepare(3, b(6, 3), 1), 0, out);
      assertThat(onlyTo(out, 3, Promise.class).accepted())
          .containsExactly(
              new AcceptedEntry(1, b(4, 2), value(1)), new AcceptedEntry(3, b(5, 2), value(3)));
    }
  }
}
