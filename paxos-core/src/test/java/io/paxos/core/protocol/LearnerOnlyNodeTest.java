package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.NO_JITTER;
import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A learner-only member (one whose storage lost its state: see {@code docs/wiped-disks.md}) counts
 * in no quorum and never leads, but learns what the voters choose.
 */
class LearnerOnlyNodeTest {
  private static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();
  private final Outbox out = new Outbox();

  private static ProtocolNode learnerOnly() {
    return new ProtocolNode(
        2, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY, RoleFactory.DEFAULT, false);
  }

  @Test
  void itHostsOnlyItsLearner() {
    ProtocolNode n = learnerOnly();
    assertThat(n.votes()).isFalse();
    assertThat(n.acceptor()).isEmpty();
    assertThat(n.proposer()).isEmpty();
    assertThat(n.learner()).isPresent();
    ProtocolNode voter =
        new ProtocolNode(2, THREE, OPTIONS, NO_JITTER, DurableState.EMPTY, RoleFactory.DEFAULT);
    assertThat(voter.votes()).isTrue();
    assertThat(voter.acceptor()).isPresent();
  }

  @Test
  void itAnswersNoPrepareAcceptOrHeartbeatWithAVote() {
    ProtocolNode n = learnerOnly();
    n.receive(new Message.Prepare(1, b(5, 1), 1), 0, out);
    n.receive(new Message.Accept(1, b(5, 1), 1, List.of(value(7)), 0), 1, out);
    n.receive(new Message.Heartbeat(1, b(5, 1), 0, 1), 2, out);
    n.flush(3, out);
    assertThat(sent(out))
        .extracting(s -> (Object) s.message().getClass())
        .doesNotContain(
            Message.Promise.class,
            Message.Accepted.class,
            Message.Nack.class,
            Message.HeartbeatAck.class);
    assertThat(out.promise()).isEmpty();
    assertThat(out.accepted()).isEmpty();
  }

  @Test
  void aForwardAddressedToItsOwnBallotIsOfUnknownOutcomeForAOneShotCommand() {
    // A wiped node that led before its wipe may have proposed a first copy of a forward whose
    // duplicate reaches it now: telling the client "not proposed" could get the command applied
    // twice. A forward addressed to another leader, or a session command, is refused as usual.
    ProtocolNode n = learnerOnly();
    Command oneShot = new Command(1, 77, 1, new byte[] {1});
    Command session = new Command(1, 78, 1, 1, new byte[] {2});
    Command toAnother = new Command(1, 79, 1, new byte[] {3});
    n.receive(new Message.Forward(1, b(5, 2), List.of(oneShot, session)), 0, out);
    n.receive(new Message.Forward(1, b(5, 3), List.of(toAnother)), 0, out);
    n.flush(1, out);
    java.util.Map<Command, Outbox.Rejection> reasons = new java.util.HashMap<>();
    for (Message.ForwardRejected r : sent(out, Message.ForwardRejected.class)) {
      r.commands().forEach(c -> reasons.put(c, r.reason()));
    }
    assertThat(reasons)
        .containsOnly(
            java.util.Map.entry(oneShot, Outbox.Rejection.OUTCOME_UNKNOWN),
            java.util.Map.entry(session, Outbox.Rejection.NOT_LEADER),
            java.util.Map.entry(toAnother, Outbox.Rejection.NOT_LEADER));
  }

  @Test
  void itNeverCampaignsHoweverLongItHearsNoLeader() {
    ProtocolNode n = learnerOnly();
    for (long now = 0; now <= 100 * OPTIONS.electionTimeoutMaxMs(); now += 10) {
      n.tick(now, out);
      n.flush(now, out);
    }
    assertThat(sent(out))
        .extracting(s -> (Object) s.message().getClass())
        .doesNotContain(Message.Prepare.class);
    assertThat(out.round()).isNegative();
    assertThat(n.isLeader()).isFalse();
  }

  @Test
  void itLearnsWhatTheLeaderCommits() {
    ProtocolNode n = learnerOnly();
    n.receive(new Message.Accept(1, b(5, 1), 1, List.of(value(7)), 0), 0, out);
    n.receive(new Message.Commit(1, b(5, 1), 2), 1, out);
    assertThat(out.deliveries()).extracting(Outbox.Delivery::slot).containsExactly(1L);
    assertThat(n.leaderHint()).as("it forwards to the leader it heard of").isEqualTo(1);
  }
}
