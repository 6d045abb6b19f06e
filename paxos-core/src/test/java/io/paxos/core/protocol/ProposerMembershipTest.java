package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Message.Prepare;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A proposer across a change of membership (docs/membership.md): the change is its epoch's last
 * slot (R1), a new leader stops at a reported change and ignores entries of ended epochs (R2), and
 * once the change is chosen the leader moves on and campaigns in the new epoch at once.
 */
class ProposerMembershipTest extends ProposerFixture {
  private static final ClusterConfig NEXT = ClusterConfig.of("test", 1, 2, 4);

  @Test
  @DisplayName(
      "R1: the change takes the slot after what was queued before it, and no command is proposed"
          + " after it")
  void nothingAfterTheChange() {
    DefaultProposer p = proposer(1, THREE);
    elect(p, 1, 2);
    p.propose(cmd(1, 1), TIMEOUT, out);
    assertThat(p.proposeMembership(NEXT)).isEmpty();
    p.flush(TIMEOUT, out);
    p.propose(cmd(1, 2), TIMEOUT, out);
    p.flush(TIMEOUT, out);

    assertThat(proposedTo(2)).containsOnlyKeys(1L, 2L);
    assertThat(proposedTo(2).get(2L)).isEqualTo(new Value.Reconfigure(1, NEXT));
    assertThat(p.proposeMembership(ClusterConfig.of("test", 1, 2)))
        .hasValueSatisfying(why -> assertThat(why).contains("in flight"));
  }

  @Test
  @DisplayName(
      "R1 and R2: a new leader re-proposes up to a reported change and no further, and an entry"
          + " of an ended epoch counts for nothing")
  void reproposalStopsAtTheChange() {
    DefaultProposer p = proposer(1, THREE);
    Prepare prepare = campaign(p);
    Ballot earlier = new Ballot(0, 1, 2);
    AcceptedEntry change = new AcceptedEntry(2, earlier, new Value.Reconfigure(1, NEXT));
    AcceptedEntry after = new AcceptedEntry(3, earlier, value(3));
    p.onPromise(
        promise(2, prepare, new AcceptedEntry(1, earlier, value(1)), change, after), 0, out);
    p.onPromise(promise(3, prepare), TIMEOUT, out);
    p.flush(TIMEOUT, out);

    assertThat(proposedTo(2)).containsOnlyKeys(1L, 2L);
    assertThat(p.proposeMembership(NEXT)).isPresent();
  }

  @Test
  @DisplayName("R2: in epoch 1 an entry accepted in epoch 0 is not re-proposed")
  void endedEpochsEntriesAreIgnored() {
    DefaultProposer p = proposer(1, THREE);
    p.adoptMembership(new Membership(1, NEXT, 5), 0, out);
    Prepare prepare = campaign(p);
    assertThat(prepare.ballot().epoch()).isEqualTo(1);
    assertThat(prepare.fromSlot()).isEqualTo(5);
    AcceptedEntry zombie = new AcceptedEntry(6, new Ballot(0, 99, 2), value(6));
    p.onPromise(promise(2, prepare, zombie), TIMEOUT, out);
    p.onPromise(promise(4, prepare), TIMEOUT, out);
    p.flush(TIMEOUT, out);

    assertThat(p.isLeader()).isTrue();
    assertThat(proposedTo(2)).doesNotContainKey(6L);
  }

  @Test
  @DisplayName(
      "once its change is chosen the leader knows the epoch ended; adopting the new membership it"
          + " sends the ended epoch's last commit point and campaigns in the new epoch at once")
  void theLeaderMovesOnAndCampaignsAtOnce() {
    DefaultProposer p = proposer(1, THREE);
    Ballot b = elect(p, 1, 2);
    p.proposeMembership(NEXT);
    p.flush(TIMEOUT, out);
    out.clear();
    p.onAccepted(new Message.Accepted(1, b, 1, 1), TIMEOUT, out);
    p.onAccepted(new Message.Accepted(2, b, 1, 1), TIMEOUT, out);
    assertThat(p.endedEpoch()).contains(new Membership(1, NEXT, 2));

    p.adoptMembership(p.endedEpoch().orElseThrow(), TIMEOUT + 1, out);
    assertThat(sent(out, Message.Commit.class)).isNotEmpty();
    assertThat(sent(out, Message.Commit.class).get(0).commitSlot()).isEqualTo(2);
    assertThat(p.isLeader()).isFalse();
    out.clear();

    p.tick(TIMEOUT + 1, out);
    Prepare prepare = Probe.only(out, Prepare.class);
    assertThat(prepare.ballot().epoch()).isEqualTo(1);
    assertThat(Probe.recipients(out, Prepare.class)).containsExactly(1, 2, 4);
  }

  @Test
  @DisplayName("a change that may not follow the membership is refused with its reason")
  void invalidChangesAreRefused() {
    DefaultProposer p = proposer(1, THREE);
    assertThat(p.proposeMembership(NEXT)).contains("not the leader");
    elect(p, 1, 2);
    assertThat(p.proposeMembership(THREE))
        .hasValueSatisfying(w -> assertThat(w).contains("already"));
    assertThat(p.proposeMembership(ClusterConfig.of("other", 1, 2)))
        .hasValueSatisfying(w -> assertThat(w).contains("cluster id"));
    assertThat(
            p.proposeMembership(
                ClusterConfig.withMajorities(
                    "test",
                    List.of(
                        io.paxos.core.config.Member.allRoles(1),
                        io.paxos.core.config.Member.of(
                            2,
                            io.paxos.core.config.Role.ACCEPTOR,
                            io.paxos.core.config.Role.LEARNER)))))
        .hasValueSatisfying(w -> assertThat(w).contains("node 2 would change its roles"));
    assertThat(p.proposeMembership(NEXT)).isEmpty();
  }
}
