package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.recipients;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.Rejection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Rule tests of the proposer: elections, and followers that do not campaign while a leader lives.
 */
class ProposerElectionTest extends ProposerFixture {
  @Nested
  @DisplayName("election and phase 1")
  class Election {

    @Test
    @DisplayName(
        "a follower that hears no leader starts phase 1 exactly when its election timeout expires,"
            + " sending Prepare to every acceptor")
    void campaignsAtTheTimeout() {
      DefaultProposer p = proposer(1, THREE);
      p.tick(0, out);
      p.tick(TIMEOUT - 1, out);
      assertThat(sent(out)).isEmpty();

      p.tick(TIMEOUT, out);

      Prepare prepare = only(out, Prepare.class);
      assertThat(prepare).isEqualTo(new Prepare(1, b(1, 1), 1));
      assertThat(recipients(out, Prepare.class)).containsExactly(1, 2, 3);
      assertThat(p.isLeader()).isFalse();
      assertThat(p.ballot()).isEqualTo(b(1, 1));
    }

    @Test
    @DisplayName(
        "the new round is recorded for persisting in the same call that sends the Prepare"
            + " (docs/pitfalls.md #2)")
    void persistsRoundWithPrepare() {
      DefaultProposer p = proposer(1, THREE);
      p.tick(0, out);
      p.tick(TIMEOUT, out);

      assertThat(out.round()).isEqualTo(1);
      assertThat(out.needsSync()).isTrue();
      assertThat(only(out, Prepare.class).ballot().round()).isEqualTo(out.round());
    }

    @Test
    @DisplayName(
        "a restarted proposer starts above the highest round it persisted (docs/pitfalls.md #2)")
    void restartStartsAbovePersistedRound() {
      DefaultProposer p = proposer(2, THREE, OPTIONS, maxRound(7));

      assertThat(campaign(p).ballot()).isEqualTo(b(8, 2));
    }

    @Test
    @DisplayName(
        "a proposer chooses a ballot above every ballot it has seen: in a Nack, and in a leader's"
            + " message")
    void ballotAboveEverySeen() {
      DefaultProposer p = proposer(1, THREE);
      Prepare first = campaign(p);
      p.onNack(new Nack(2, first.ballot(), b(5, 3)), TIMEOUT, out);
      out.clear();
      p.tick(2 * TIMEOUT, out);
      assertThat(only(out, Prepare.class).ballot()).isEqualTo(b(6, 1));

      out.clear();
      DefaultProposer q = proposer(1, THREE);
      q.onLeaderMessage(b(9, 2), 1, 0, out);
      q.tick(TIMEOUT, out);
      assertThat(only(out, Prepare.class).ballot()).isEqualTo(b(10, 1));
    }

    @Test
    @DisplayName(
        "every new campaign uses a new, higher ballot, even when nothing higher was seen"
            + " (docs/pitfalls.md #2)")
    void everyCampaignRaisesTheRound() {
      DefaultProposer p = proposer(1, THREE);
      Prepare first = campaign(p);
      p.tick(2 * TIMEOUT, out);
      Prepare second = only(out, Prepare.class);

      assertThat(second.ballot()).isGreaterThan(first.ballot());
      assertThat(out.round()).isEqualTo(second.ballot().round());
    }

    @Test
    @DisplayName("phase 1 covers every slot from the first one not known to be chosen")
    void prepareFromFirstSlotNotKnownChosen() {
      DefaultProposer p = proposer(1, THREE);
      p.onChosenPrefix(12);
      assertThat(campaign(p).fromSlot()).isEqualTo(12);

      DefaultProposer restarted =
          proposer(
              1,
              THREE,
              OPTIONS,
              new DurableState(Ballot.ZERO, List.of(), 0, List.of(value(1), value(2))));
      assertThat(campaign(restarted).fromSlot()).isEqualTo(3);
    }

    @Test
    @DisplayName(
        "a proposer does not lead before a quorum of distinct acceptors promised its ballot:"
            + " duplicates and promises for another ballot do not count")
    void noLeadershipBeforeQuorum() {
      DefaultProposer p = proposer(1, FIVE);
      Prepare prepare = campaign(p);

      p.onPromise(promise(2, prepare), TIMEOUT, out);
      p.onPromise(promise(2, prepare), TIMEOUT, out);
      p.onPromise(new Promise(4, b(0, 4), 1, List.of()), TIMEOUT, out);
      p.onPromise(promise(3, prepare), TIMEOUT, out);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);

      assertThat(p.isLeader()).isFalse();
      assertThat(sent(out)).isEmpty();

      p.onPromise(promise(5, prepare), TIMEOUT, out);

      assertThat(p.isLeader()).isTrue();
      assertThat(p.leaderHint()).isEqualTo(1);
      assertThat(recipients(out, Heartbeat.class)).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    @DisplayName("a Promise from a node that is not an acceptor is not counted")
    void promiseFromNonAcceptorIgnored() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(
                  Member.of(1, Role.PROPOSER, Role.ACCEPTOR),
                  Member.of(2, Role.ACCEPTOR),
                  Member.of(3, Role.ACCEPTOR),
                  Member.of(4, Role.LEARNER)));
      DefaultProposer p = proposer(1, split);
      Prepare prepare = campaign(p);
      assertThat(recipients(out, Prepare.class)).isEmpty();

      p.onPromise(promise(4, prepare), TIMEOUT, out);
      p.onPromise(promise(1, prepare), TIMEOUT, out);
      assertThat(p.isLeader()).isFalse();

      p.onPromise(promise(3, prepare), TIMEOUT, out);
      assertThat(p.isLeader()).isTrue();
    }

    @Test
    @DisplayName("with flexible quorums, phase 1 waits for q1 promises and phase 2 for q2 votes")
    void flexibleQuorums() {
      ClusterConfig flexible =
          new ClusterConfig(
              "flex",
              List.of(
                  Member.allRoles(1), Member.allRoles(2), Member.allRoles(3), Member.allRoles(4)),
              3,
              2);
      DefaultProposer p = proposer(1, flexible);
      Prepare prepare = campaign(p);
      p.onPromise(promise(1, prepare), TIMEOUT, out);
      p.onPromise(promise(2, prepare), TIMEOUT, out);
      assertThat(p.isLeader()).isFalse();
      p.onPromise(promise(4, prepare), TIMEOUT, out);
      assertThat(p.isLeader()).isTrue();

      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);
      p.onAccepted(new Accepted(3, prepare.ballot(), 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(1);
      p.onAccepted(new Accepted(4, prepare.ballot(), 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(2);
    }
  }

  @Nested
  @DisplayName("followers")
  class Followers {

    @Test
    @DisplayName(
        "a follower that keeps hearing a live leader does not start phase 1; once the leader falls"
            + " silent it does, an election timeout after the last message")
    void liveLeaderSuppressesElection() {
      DefaultProposer p = proposer(1, THREE);
      p.tick(0, out);
      long t = 0;
      for (t = 100; t <= 3_000; t += 100) {
        p.onLeaderMessage(b(1, 2), 1, t, out);
        p.tick(t, out);
        p.tick(t + 99, out);
      }
      assertThat(sent(out, Prepare.class)).isEmpty();
      assertThat(p.leaderHint()).isEqualTo(2);

      long last = 3_000;
      p.tick(last + TIMEOUT - 1, out);
      assertThat(sent(out, Prepare.class)).isEmpty();
      p.tick(last + TIMEOUT, out);
      assertThat(only(out, Prepare.class).ballot()).isEqualTo(b(2, 1));
    }

    @Test
    @DisplayName(
        "a proposer whose campaign was refused for loyalty to a live leader follows that leader"
            + " and does not campaign again while it hears it (docs/pitfalls.md #10)")
    void followsLeaderAfterRefusedCampaign() {
      DefaultProposer p = proposer(3, THREE);
      Prepare prepare = campaign(p);
      assertThat(prepare.ballot()).isEqualTo(b(1, 3));
      // The acceptors are loyal to node 2, which leads with the lower ballot 1.2.
      p.onNack(new Nack(1, prepare.ballot(), b(1, 2)), TIMEOUT + 5, out);
      p.onNack(new Nack(2, prepare.ballot(), b(1, 2)), TIMEOUT + 5, out);
      assertThat(p.leaderHint()).isEqualTo(2);

      for (long t = TIMEOUT + 50; t <= 10 * TIMEOUT; t += 50) {
        p.onLeaderMessage(b(1, 2), 1, t, out);
        p.tick(t, out);
      }

      assertThat(sent(out, Prepare.class)).isEmpty();
      assertThat(p.leaderHint()).isEqualTo(2);
      assertThat(p.isLeader()).isFalse();
    }

    @Test
    @DisplayName("a follower hands a proposed command back with its leader hint")
    void followerAbandonsProposals() {
      DefaultProposer p = proposer(1, THREE);
      p.propose(cmd(1, 1), 0, out);
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 0));
      out.clear();

      p.onLeaderMessage(b(1, 3), 1, 0, out);
      p.propose(cmd(1, 2), 0, out);

      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 2)), Rejection.NOT_LEADER, 3));
      assertThat(sent(out)).isEmpty();
    }

    @Test
    @DisplayName("a full queue refuses more commands as OVERLOADED instead of growing")
    void boundedQueue() {
      DefaultProposer p = proposer(1, THREE);
      campaign(p);
      for (int i = 0; i < 65_536; i++) {
        p.propose(cmd(1, i), TIMEOUT, out);
      }
      assertThat(out.abandoned()).isEmpty();

      p.propose(cmd(1, -1), TIMEOUT, out);

      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, -1)), Rejection.OVERLOADED, 0));
    }
  }
}
