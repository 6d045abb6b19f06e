package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.sent;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * No round arithmetic overflows: a proposer whose next round would pass {@link Ballot#MAX_ROUND}
 * stops campaigning instead of computing {@code round + 1} past it, also when that round comes from
 * its own storage (a promise or round persisted by a build without message bounds).
 */
class RoundExhaustionTest extends ProposerFixture {

  @Test
  void aProposerThatSawTheMaximumRoundStopsCampaigning() {
    DefaultProposer p = proposer(1, THREE);
    p.tick(0, out);
    p.onNack(new Message.Nack(2, Ballot.ZERO, new Ballot(Ballot.MAX_ROUND, 2)), 0, out);
    for (long t = TIMEOUT; t <= 20 * TIMEOUT; t += TIMEOUT) {
      p.tick(t, out);
    }
    assertThat(sent(out, Message.Prepare.class)).isEmpty();
    assertThat(p.campaignsStopped()).isTrue();
  }

  @Test
  void oneRoundBelowTheMaximumIsStillUsed() {
    DefaultProposer p = proposer(1, THREE);
    p.tick(0, out);
    p.onNack(new Message.Nack(2, Ballot.ZERO, new Ballot(Ballot.MAX_ROUND - 1, 2)), 0, out);
    p.tick(TIMEOUT, out);
    assertThat(sent(out, Message.Prepare.class))
        .isNotEmpty()
        .allSatisfy(prep -> assertThat(prep.ballot().round()).isEqualTo(Ballot.MAX_ROUND));
    assertThat(p.campaignsStopped()).isFalse();
  }

  @Test
  void aRoundBeyondTheMaximumFromStorageNeitherThrowsNorCampaigns() {
    DurableState state =
        new DurableState(new Ballot(Long.MAX_VALUE, 2), List.of(), Long.MAX_VALUE, List.of());
    ProtocolNode node =
        new ProtocolNode(1, THREE, OPTIONS, Probe.NO_JITTER, state, RoleFactory.DEFAULT);
    for (long t = 0; t <= 20 * TIMEOUT; t += TIMEOUT / 2) {
      node.tick(t, out);
      node.flush(t, out);
    }
    assertThat(sent(out, Message.Prepare.class)).isEmpty();
    assertThat(node.proposer().orElseThrow().campaignsStopped()).isTrue();
    // Its acceptor refuses every ballot below the promise, and says so with a Nack.
    node.receive(new Message.Prepare(2, new Ballot(5, 2), 1), TIMEOUT, out);
    assertThat(sent(out, Message.Nack.class)).isNotEmpty();
    assertThat(sent(out, Message.Promise.class)).isEmpty();
  }
}
