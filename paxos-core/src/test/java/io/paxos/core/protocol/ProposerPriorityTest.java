package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.Commit;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.PriorityClaim;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.Rejection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Rule tests of leader priority in the proposer (docs/leader-priority.md). */
class ProposerPriorityTest extends ProposerFixture {
  /** Node 3 first (10), then node 2 (5), then node 1 (none). */
  static final ClusterConfig RANKED = THREE.withPriority(2, 5).withPriority(3, 10);

  static final long MAX = OPTIONS.electionTimeoutMaxMs();

  /** Node 1 (lowest: two ranks to wait) campaigns and leads at this time. */
  static final long ONE_LEADS = TIMEOUT + 2 * MAX;

  /** Node 1 campaigns at its (ranked) timeout and gets the promises of 1 and 2. */
  Ballot electOne(DefaultProposer p) {
    Prepare prepare = campaign(p, ONE_LEADS);
    p.onPromise(promise(1, prepare), ONE_LEADS, out);
    p.onPromise(promise(2, prepare), ONE_LEADS, out);
    assertThat(p.isLeader()).isTrue();
    out.clear();
    return prepare.ballot();
  }

  @Nested
  @DisplayName("campaigning")
  class Campaigning {
    @Test
    @DisplayName(
        "a proposer waits one extra maximum election timeout for each distinct priority above its"
            + " own, so the highest live one campaigns first")
    void lowerPrioritiesWaitLonger() {
      assertThat(firstCampaignAt(3, RANKED)).isEqualTo(TIMEOUT);
      assertThat(firstCampaignAt(2, RANKED)).isEqualTo(TIMEOUT + MAX);
      assertThat(firstCampaignAt(1, RANKED)).isEqualTo(TIMEOUT + 2 * MAX);
      // Equal priorities share a rank; without priorities nobody waits.
      ClusterConfig tied = THREE.withPriority(2, 7).withPriority(3, 7);
      assertThat(firstCampaignAt(2, tied)).isEqualTo(TIMEOUT);
      assertThat(firstCampaignAt(1, tied)).isEqualTo(TIMEOUT + MAX);
      assertThat(firstCampaignAt(1, THREE)).isEqualTo(TIMEOUT);
    }

    private long firstCampaignAt(int id, ClusterConfig config) {
      DefaultProposer p = proposer(id, config, OPTIONS, DurableState.EMPTY);
      Outbox o = new Outbox();
      p.tick(0, o);
      long t = 1;
      while (sent(o, Prepare.class).isEmpty()) {
        p.tick(t++, o);
      }
      return t - 1;
    }
  }

  @Nested
  @DisplayName("claims")
  class Claims {
    @Test
    @DisplayName(
        "a follower of higher priority than the leader claims leadership on its heartbeat once it"
            + " knows chosen every slot the heartbeat says is, and not before")
    void claimsOnceCaughtUp() {
      DefaultProposer p = proposer(3, RANKED);
      Heartbeat hb = new Heartbeat(1, b(1, 1), 5, 7);
      p.onLeaderMessage(hb.ballot(), 4, 10, out);
      p.onHeartbeat(hb, 10, out);
      assertThat(sent(out)).isEmpty();

      p.onChosenPrefix(5);
      p.onHeartbeat(hb, 11, out);
      assertThat(onlyTo(out, 1, PriorityClaim.class)).isEqualTo(new PriorityClaim(3, b(1, 1), 5));
    }

    @Test
    @DisplayName("a follower of equal or lower priority, or without priorities, never claims")
    void noClaimFromBelow() {
      DefaultProposer two = proposer(2, RANKED);
      Heartbeat fromThree = new Heartbeat(3, b(1, 3), 1, 1);
      two.onLeaderMessage(fromThree.ballot(), 1, 10, out);
      two.onHeartbeat(fromThree, 10, out);

      DefaultProposer plain = proposer(3, THREE);
      Heartbeat fromOne = new Heartbeat(1, b(1, 1), 1, 1);
      plain.onLeaderMessage(fromOne.ballot(), 1, 10, out);
      plain.onHeartbeat(fromOne, 10, out);

      assertThat(sent(out)).isEmpty();
    }
  }

  @Nested
  @DisplayName("hand-over")
  class HandOver {
    @Test
    @DisplayName(
        "an idle leader claimed by a caught-up proposer of higher priority steps down, names no"
            + " leader, and waits longer than the claimant before it campaigns again")
    void idleLeaderStepsDown() {
      DefaultProposer p = proposer(1, RANKED);
      Ballot ballot = electOne(p);
      long t = ONE_LEADS + 10;

      p.onPriorityClaim(new PriorityClaim(3, ballot, 1), t, out);

      assertThat(p.isLeader()).isFalse();
      assertThat(p.leaderHint()).isZero();
      assertThat(p.handedOver()).as("the runtime reports the step-down as HANDED_OVER").isTrue();
      out.clear();
      // Node 3 campaigns one TIMEOUT after it last heard the leader; this one waits 2 MAX more.
      p.tick(t + TIMEOUT + 2 * MAX - 1, out);
      assertThat(sent(out, Prepare.class)).isEmpty();
      p.tick(t + TIMEOUT + 2 * MAX, out);
      assertThat(only(out, Prepare.class).ballot().round()).isEqualTo(ballot.round() + 1);
      assertThat(p.handedOver()).isFalse();
    }

    @Test
    @DisplayName(
        "a leader with slots in flight proposes nothing new until they are chosen, tells the"
            + " learners, and then steps down: no command's outcome is left unknown")
    void busyLeaderDrainsFirst() {
      DefaultProposer p = proposer(1, RANKED);
      Ballot ballot = electOne(p);
      long t = ONE_LEADS + 1;
      p.propose(cmd(9, 1), t, out);
      p.flush(t, out);
      Accept first = sent(out, Accept.class).get(0);
      out.clear();

      p.onPriorityClaim(new PriorityClaim(3, ballot, 1), t, out);
      assertThat(p.isLeader()).isTrue();
      p.propose(cmd(9, 2), t, out);
      p.flush(t, out);
      assertThat(sent(out, Accept.class)).as("no new slot while handing over").isEmpty();

      p.onAccepted(new Accepted(1, ballot, first.firstSlot(), 1), t, out);
      p.onAccepted(new Accepted(2, ballot, first.firstSlot(), 1), t, out);
      assertThat(p.commitIndex()).isEqualTo(2);
      p.onPriorityClaim(new PriorityClaim(3, ballot, 1), t, out);
      assertThat(p.isLeader()).as("the claimant has not learned slot 1 yet").isTrue();

      p.onPriorityClaim(new PriorityClaim(3, ballot, 2), t, out);
      assertThat(p.isLeader()).isFalse();
      assertThat(only(out, Commit.class)).isEqualTo(new Commit(1, ballot, 2));
      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(9, 2)), Rejection.NOT_LEADER, 0));
    }

    @Test
    @DisplayName(
        "a hand-over whose claimant does not catch up within an election timeout is given up:"
            + " the leader proposes again")
    void drainGivesUp() {
      DefaultProposer p = proposer(1, RANKED);
      Ballot ballot = electOne(p);
      long t = ONE_LEADS + 1;
      p.propose(cmd(9, 1), t, out);
      p.flush(t, out);
      p.onPriorityClaim(new PriorityClaim(3, ballot, 1), t, out);
      p.propose(cmd(9, 2), t, out);
      out.clear();

      // Keep the leader's quorum alive with votes, then pass the hand-over's time limit.
      p.onAccepted(new Accepted(2, ballot, 1, 1), t + TIMEOUT - 1, out);
      p.onAccepted(new Accepted(3, ballot, 1, 1), t + TIMEOUT - 1, out);
      p.tick(t + TIMEOUT, out);
      out.clear();
      p.flush(t + TIMEOUT, out);

      assertThat(p.isLeader()).isTrue();
      assertThat(only(out, Accept.class).values()).containsExactly(Probe.batch(cmd(9, 2)));
    }

    @Test
    @DisplayName(
        "a claim from a proposer of equal or lower priority, for another ballot, or at a"
            + " follower, is ignored")
    void ignoredClaims() {
      DefaultProposer three = proposer(3, RANKED);
      Ballot ballot = elect(three, 1, 2);
      three.onPriorityClaim(new PriorityClaim(2, ballot, 100), TIMEOUT, out);
      three.onPriorityClaim(new PriorityClaim(1, ballot, 100), TIMEOUT, out);
      assertThat(three.isLeader()).isTrue();

      DefaultProposer one = proposer(1, RANKED);
      Ballot own = electOne(one);
      one.onPriorityClaim(new PriorityClaim(3, b(own.round() + 1, 1), 100), ONE_LEADS, out);
      assertThat(one.isLeader()).isTrue();

      DefaultProposer follower = proposer(1, RANKED);
      follower.onPriorityClaim(new PriorityClaim(3, Ballot.ZERO, 100), 0, out);
      assertThat(follower.isLeader()).isFalse();
      assertThat(sent(out)).isEmpty();
    }
  }
}
