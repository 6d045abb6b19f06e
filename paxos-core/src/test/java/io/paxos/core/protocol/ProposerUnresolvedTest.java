package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.onlyTo;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Message.CatchUpReply;
import io.paxos.core.protocol.Message.CatchUpRequest;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.Rejection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Rule tests of commands a leader proposed in a slot and then lost track of by stepping down: their
 * outcome is unknown until the slot is chosen, and known (not chosen) once it is chosen with a
 * value without them. Before this rule they waited for the client's timeout (the benchmarks'
 * "command 257 of a 256-slot window times out after a leader change").
 */
class ProposerUnresolvedTest extends ProposerFixture {

  /** Elect 1, propose c1 and c2 in slots 1 and 2, then a Nack of ballot 1.3 deposes it. */
  private DefaultProposer deposedWithTwoSlots(ClusterConfig config) {
    DefaultProposer p = proposer(1, config);
    Ballot ballot = elect(p, 1, 2);
    p.propose(cmd(1, 1), TIMEOUT, out);
    p.flush(TIMEOUT, out);
    p.propose(cmd(1, 2), TIMEOUT, out);
    p.flush(TIMEOUT, out);
    p.onNack(new Nack(2, ballot, b(1, 3)), TIMEOUT, out);
    assertThat(p.isLeader()).isFalse();
    assertThat(out.abandoned()).as("nothing was queued; both commands are in slots").isEmpty();
    out.clear();
    return p;
  }

  @Test
  @DisplayName(
      "a deposed leader hands back a command it proposed in a slot that is then chosen with"
          + " another value, naming the new leader")
  void slotChosenWithAnotherValueHandsTheCommandBack() {
    DefaultProposer p = deposedWithTwoSlots(THREE);

    p.onChosen(1, batch(cmd(2, 7)), out);

    assertThat(out.abandoned())
        .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 3));
    out.clear();
    p.onChosen(2, Value.NOOP, out);
    assertThat(out.abandoned())
        .containsExactly(new Abandoned(List.of(cmd(1, 2)), Rejection.NOT_LEADER, 3));
  }

  @Test
  @DisplayName(
      "a deposed leader hands back at once, outcome unknown, the session commands it proposed:"
          + " sent again, they are applied once; the others wait for their slots")
  void sessionCommandsGoBackAtOnceWithTheirOutcomeUnknown() {
    DefaultProposer p = proposer(1, THREE);
    Ballot ballot = elect(p, 1, 2);
    Command session = new Command(1, 88, 5, 3, new byte[] {1});
    p.propose(session, TIMEOUT, out);
    p.propose(cmd(1, 1), TIMEOUT, out);
    p.flush(TIMEOUT, out);
    out.clear();

    p.onNack(new Nack(2, ballot, b(1, 3)), TIMEOUT, out);

    assertThat(out.abandoned())
        .containsExactly(new Abandoned(List.of(session), Rejection.OUTCOME_UNKNOWN, 3));
    out.clear();
    p.onChosen(1, Value.NOOP, out);
    assertThat(out.abandoned())
        .as("only the command outside a session waited for its slot")
        .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 3));
  }

  @Test
  @DisplayName("a command chosen in its slot by the next leader (a re-proposal) is not handed back")
  void commandChosenInItsSlotIsNotHandedBack() {
    DefaultProposer p = deposedWithTwoSlots(THREE);

    p.onChosen(1, batch(cmd(1, 1)), out);
    p.onChosen(2, batch(cmd(2, 9), cmd(1, 2)), out);

    assertThat(out.abandoned()).isEmpty();
  }

  @Test
  @DisplayName("while its slot is not known chosen, a proposed command stays unresolved")
  void unchosenSlotKeepsTheCommand() {
    DefaultProposer p = deposedWithTwoSlots(THREE);

    p.onLeaderMessage(b(1, 3), 1, TIMEOUT + 1, out);
    p.tick(TIMEOUT + 2, out);
    p.onChosen(1, batch(cmd(1, 1)), out);

    assertThat(out.abandoned()).isEmpty();
  }

  @Test
  @DisplayName(
      "a proposer without a learner asks a learner for its unresolved slots once they are known"
          + " chosen, and resolves them from the reply")
  void proposerWithoutLearnerCatchesUp() {
    ClusterConfig split =
        ClusterConfig.withMajorities(
            "test",
            List.of(
                Member.of(1, Role.PROPOSER, Role.ACCEPTOR),
                Member.of(2, Role.ACCEPTOR),
                Member.of(3, Role.PROPOSER, Role.ACCEPTOR),
                Member.of(4, Role.LEARNER)));
    DefaultProposer p = deposedWithTwoSlots(split);

    p.onLeaderMessage(b(1, 3), 3, TIMEOUT + 1, out);
    out.clear();
    p.tick(TIMEOUT + 1 + OPTIONS.retransmitMs(), out);
    CatchUpRequest request = onlyTo(out, 4, CatchUpRequest.class);
    assertThat(request).isEqualTo(new CatchUpRequest(1, 1, 2));
    out.clear();

    p.onCatchUpReply(new CatchUpReply(4, 1, List.of(batch(cmd(1, 1)), Value.NOOP)), out);

    assertThat(out.abandoned())
        .containsExactly(new Abandoned(List.of(cmd(1, 2)), Rejection.NOT_LEADER, 3));
  }

  @Test
  @DisplayName(
      "a deposed leader drops a duplicate Forward of a command it left unresolved, instead of"
          + " handing it back as not proposed while its slot may still choose it")
  void duplicateOfAnUnresolvedCommandIsNotHandedBack() {
    DefaultProposer p = deposedWithTwoSlots(THREE);

    p.propose(cmd(1, 1), TIMEOUT + 1, out); // the Forward of c1, delivered a second time

    assertThat(out.abandoned()).isEmpty();
    p.onChosen(1, batch(cmd(2, 7)), out);
    assertThat(out.abandoned())
        .as("handed back once, when its slot is chosen without it")
        .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 3));
  }

  @Test
  @DisplayName(
      "a command a follower handed back as not proposed is not proposed when a duplicate arrives"
          + " after the follower is elected")
  void duplicateOfAHandedBackCommandIsNotProposed() {
    DefaultProposer p = proposer(1, THREE);
    p.propose(cmd(2, 1), 0, out);
    assertThat(out.abandoned())
        .containsExactly(new Abandoned(List.of(cmd(2, 1)), Rejection.NOT_LEADER, 0));
    out.clear();
    elect(p, 1, 2);

    p.propose(cmd(2, 1), TIMEOUT, out); // the same Forward, delivered again
    p.propose(cmd(2, 2), TIMEOUT, out);
    p.flush(TIMEOUT, out);

    assertThat(proposedTo(2).values())
        .as("only the new command is proposed")
        .containsExactly(batch(cmd(2, 2)));
    assertThat(out.abandoned()).isEmpty();
  }
}
