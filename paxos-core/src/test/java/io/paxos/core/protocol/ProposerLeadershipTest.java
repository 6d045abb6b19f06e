package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.recipients;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.sentTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.HeartbeatAck;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.ReadIndexReply;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.ReadIndex;
import io.paxos.core.protocol.Outbox.Rejection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Rule tests of the proposer: stepping down, leader timers and read indexes. */
class ProposerLeadershipTest extends ProposerFixture {
  @Nested
  @DisplayName("stepping down")
  class SteppingDown {

    @Test
    @DisplayName(
        "a leader Nacked with a higher ballot steps down and hands back its queued commands with"
            + " the new leader as hint")
    void nackStepsDown() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.propose(cmd(1, 2), TIMEOUT, out);

      p.onNack(new Nack(2, ballot, b(4, 3)), TIMEOUT, out);

      assertThat(p.isLeader()).isFalse();
      assertThat(p.leaderHint()).isEqualTo(3);
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1), cmd(1, 2)), Rejection.NOT_LEADER, 3));
      out.clear();

      p.flush(TIMEOUT, out);
      assertThat(sent(out)).isEmpty();
      p.propose(cmd(1, 3), TIMEOUT, out);
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 3)), Rejection.NOT_LEADER, 3));
    }

    @Test
    @DisplayName("a Nack for another (older) ballot does not depose the leader")
    void staleNackIgnored() {
      DefaultProposer p = proposer(1, THREE, OPTIONS, maxRound(4));
      elect(p, 1, 2);

      p.onNack(new Nack(2, b(3, 1), b(4, 3)), TIMEOUT, out);

      assertThat(p.isLeader()).isTrue();
      assertThat(out.abandoned()).isEmpty();
    }

    @Test
    @DisplayName("a leader that hears a higher leader steps down and follows it")
    void higherLeaderMessageStepsDown() {
      DefaultProposer p = proposer(1, THREE);
      elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);

      p.onLeaderMessage(b(2, 2), 1, TIMEOUT + 1, out);

      assertThat(p.isLeader()).isFalse();
      assertThat(p.leaderHint()).isEqualTo(2);
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 2));
    }

    @Test
    @DisplayName("a leader ignores a message from a lower, deposed leader")
    void lowerLeaderMessageIgnored() {
      DefaultProposer p = proposer(1, THREE, OPTIONS, maxRound(4));
      elect(p, 1, 2);

      p.onLeaderMessage(b(3, 2), 1, TIMEOUT + 1, out);

      assertThat(p.isLeader()).isTrue();
      assertThat(p.leaderHint()).isEqualTo(1);
    }

    @Test
    @DisplayName(
        "a candidate refused by an acceptor loyal to a live leader steps down, naming that leader")
    void candidateStepsDownOnLoyaltyNack() {
      DefaultProposer p = proposer(1, THREE, OPTIONS, maxRound(4));
      Prepare prepare = campaign(p);
      p.propose(cmd(1, 1), TIMEOUT, out);

      p.onNack(new Nack(3, prepare.ballot(), b(3, 2)), TIMEOUT, out);

      assertThat(p.isLeader()).isFalse();
      assertThat(p.leaderHint()).isEqualTo(2);
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 2));
      out.clear();
      p.onPromise(promise(1, prepare), TIMEOUT, out);
      p.onPromise(promise(2, prepare), TIMEOUT, out);
      assertThat(p.isLeader()).isFalse();
    }

    @Test
    @DisplayName(
        "a leader steps down when it has not heard from a phase-2 quorum for electionTimeoutMin,"
            + " and not before")
    void stepsDownOnLostQuorum() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      long t0 = TIMEOUT;
      p.tick(t0 + TIMEOUT - 1, out);
      assertThat(p.isLeader()).isTrue();

      p.onHeartbeatAck(new HeartbeatAck(1, ballot, 1), t0 + 250, out);
      p.onHeartbeatAck(new HeartbeatAck(2, ballot, 1), t0 + 250, out);
      p.tick(t0 + TIMEOUT, out);
      assertThat(p.isLeader()).isTrue();

      p.onHeartbeatAck(new HeartbeatAck(1, ballot, 2), t0 + 500, out);
      p.propose(cmd(1, 1), t0 + 500, out);
      p.tick(t0 + 250 + TIMEOUT - 1, out);
      assertThat(p.isLeader()).isTrue();
      out.clear();

      p.tick(t0 + 250 + TIMEOUT, out);

      assertThat(p.isLeader()).isFalse();
      assertThat(p.leaderHint()).isZero();
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 0));
    }

    @Test
    @DisplayName("votes count as contact with an acceptor, like heartbeat acks")
    void votesKeepContact() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);
      p.onAccepted(new Accepted(2, ballot, 1, 1), TIMEOUT + 200, out);
      p.onAccepted(new Accepted(3, ballot, 1, 1), TIMEOUT + 200, out);

      p.tick(TIMEOUT + 200 + TIMEOUT - 1, out);

      assertThat(p.isLeader()).isTrue();
    }
  }

  @Nested
  @DisplayName("leader timers")
  class LeaderTimers {
    private final ProtocolOptions patient = OPTIONS.withTimings(50, 10_000, 10_000, 200);
    private static final long ELECTED = 10_000;

    private Ballot electPatient(DefaultProposer p) {
      Prepare prepare = campaign(p, ELECTED);
      p.onPromise(promise(1, prepare), ELECTED, out);
      p.onPromise(promise(2, prepare), ELECTED, out);
      assertThat(p.isLeader()).isTrue();
      out.clear();
      return prepare.ballot();
    }

    @Test
    @DisplayName("a leader sends a heartbeat with its commit point to every node each interval")
    void heartbeats() {
      DefaultProposer p = proposer(1, THREE, patient, DurableState.EMPTY);
      Ballot ballot = electPatient(p);

      p.tick(ELECTED + 49, out);
      assertThat(sent(out, Heartbeat.class)).isEmpty();
      p.tick(ELECTED + 50, out);

      Heartbeat heartbeat = only(out, Heartbeat.class);
      assertThat(heartbeat.ballot()).isEqualTo(ballot);
      assertThat(heartbeat.commitSlot()).isEqualTo(1);
      assertThat(recipients(out, Heartbeat.class)).containsExactly(1, 2, 3);
    }

    @Test
    @DisplayName(
        "an Accept not yet chosen is sent again after retransmitMs, only to the acceptors whose"
            + " vote is missing; chosen slots are not sent again")
    void retransmitsUnacknowledgedAccepts() {
      DefaultProposer p = proposer(1, THREE, patient.withMaxBatchCommands(1), DurableState.EMPTY);
      Ballot ballot = electPatient(p);
      for (int i = 1; i <= 3; i++) {
        p.propose(cmd(1, i), ELECTED, out);
      }
      p.flush(ELECTED, out);
      p.onAccepted(new Accepted(1, ballot, 1, 3), ELECTED, out);
      p.onAccepted(new Accepted(2, ballot, 2, 1), ELECTED, out);
      assertThat(p.commitIndex()).isEqualTo(1);
      out.clear();

      p.tick(ELECTED + 199, out);
      assertThat(sent(out, Accept.class)).isEmpty();

      p.tick(ELECTED + 200, out);

      assertThat(recipients(out, Accept.class)).containsExactly(2, 2, 3, 3);
      assertThat(sentTo(out, 2, Accept.class))
          .containsExactly(
              new Accept(1, ballot, 1, List.of(batch(cmd(1, 1))), 1),
              new Accept(1, ballot, 3, List.of(batch(cmd(1, 3))), 1));
      out.clear();

      p.tick(ELECTED + 399, out);
      assertThat(sent(out, Accept.class)).isEmpty();
      p.onAccepted(new Accepted(3, ballot, 1, 1), ELECTED + 300, out);
      p.tick(ELECTED + 400, out);
      assertThat(sent(out, Accept.class))
          .containsOnly(new Accept(1, ballot, 3, List.of(batch(cmd(1, 3))), 3));
      assertThat(recipients(out, Accept.class)).containsExactly(2, 3);
    }
  }

  @Nested
  @DisplayName("read index")
  class ReadIndexes {

    @Test
    @DisplayName(
        "a read index is confirmed only after a phase-2 quorum acknowledged a heartbeat sent after"
            + " the request, in the leader's ballot")
    void confirmedAfterQuorumOfAcks() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);
      out.clear();

      p.requestReadIndex(1, 7, TIMEOUT, out);
      assertThat(out.readIndexes()).isEmpty();
      p.flush(TIMEOUT, out);
      Heartbeat round = only(out, Heartbeat.class);
      assertThat(recipients(out, Heartbeat.class)).containsExactly(1, 2, 3);
      long seq = round.sequence();

      p.onHeartbeatAck(new HeartbeatAck(1, ballot, seq), TIMEOUT, out);
      p.onHeartbeatAck(new HeartbeatAck(2, ballot, seq - 1), TIMEOUT, out);
      p.onHeartbeatAck(new HeartbeatAck(3, b(0, 3), seq), TIMEOUT, out);
      p.onHeartbeatAck(new HeartbeatAck(1, ballot, seq), TIMEOUT, out);
      assertThat(out.readIndexes()).isEmpty();

      p.onHeartbeatAck(new HeartbeatAck(3, ballot, seq), TIMEOUT, out);

      assertThat(out.readIndexes()).containsExactly(new ReadIndex(7, true, 2, 1));
    }

    @Test
    @DisplayName("a read index asked by another node is answered with a ReadIndexReply to it")
    void remoteOriginAnsweredByMessage() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.requestReadIndex(3, 42, TIMEOUT, out);
      p.flush(TIMEOUT, out);
      long seq = only(out, Heartbeat.class).sequence();
      p.onHeartbeatAck(new HeartbeatAck(1, ballot, seq), TIMEOUT, out);
      p.onHeartbeatAck(new HeartbeatAck(2, ballot, seq), TIMEOUT, out);

      assertThat(onlyTo(out, 3, ReadIndexReply.class))
          .isEqualTo(new ReadIndexReply(1, 42, true, 1, 1));
      assertThat(out.readIndexes()).isEmpty();
    }

    @Test
    @DisplayName("a proposer that does not lead refuses a read index at once, with its hint")
    void nonLeaderRefuses() {
      DefaultProposer p = proposer(1, THREE);
      p.onLeaderMessage(b(1, 2), 1, 0, out);

      p.requestReadIndex(1, 5, 0, out);
      p.requestReadIndex(3, 6, 0, out);

      assertThat(out.readIndexes()).containsExactly(new ReadIndex(5, false, 0, 2));
      assertThat(onlyTo(out, 3, ReadIndexReply.class))
          .isEqualTo(new ReadIndexReply(1, 6, false, 0, 2));
    }

    @Test
    @DisplayName("pending reads are refused when the leader steps down")
    void pendingReadsRefusedOnStepDown() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.requestReadIndex(1, 5, TIMEOUT, out);
      p.flush(TIMEOUT, out);

      p.onNack(new Nack(2, ballot, b(2, 3)), TIMEOUT, out);
      long seq = only(out, Heartbeat.class).sequence();
      p.onHeartbeatAck(new HeartbeatAck(1, ballot, seq), TIMEOUT, out);
      p.onHeartbeatAck(new HeartbeatAck(2, ballot, seq), TIMEOUT, out);

      assertThat(out.readIndexes()).containsExactly(new ReadIndex(5, false, 0, 3));
    }
  }
}
