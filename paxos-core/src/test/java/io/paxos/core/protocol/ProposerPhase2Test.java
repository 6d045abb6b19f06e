package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.recipients;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.sentTo;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.Commit;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Rule tests of the proposer: phase 2, vote counting, commit point and batching. */
class ProposerPhase2Test extends ProposerFixture {
  @Nested
  @DisplayName("phase 2: votes and the commit point")
  class Phase2 {

    @Test
    @DisplayName(
        "a duplicated Accepted from one acceptor is counted once: a value is chosen only when a"
            + " quorum of distinct acceptors accepted it (docs/pitfalls.md #7)")
    void duplicateVoteCountedOnce() {
      DefaultProposer p = proposer(1, FIVE);
      Ballot ballot = elect(p, 1, 2, 3);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);

      p.onAccepted(new Accepted(2, ballot, 1, 1), TIMEOUT, out);
      p.onAccepted(new Accepted(2, ballot, 1, 1), TIMEOUT, out);
      p.onAccepted(new Accepted(1, ballot, 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(1);
      assertThat(p.chosenValue(1)).isEmpty();

      p.onAccepted(new Accepted(4, ballot, 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(2);
      assertThat(p.chosenValue(1)).contains(batch(cmd(1, 1)));
    }

    @Test
    @DisplayName(
        "votes for one slot in different ballots are never added up: a value is chosen only when"
            + " a quorum accepted the same ballot (docs/pitfalls.md #7)")
    void votesAcrossBallotsNotCounted() {
      DefaultProposer p = proposer(1, THREE);
      Ballot first = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);
      p.onAccepted(new Accepted(2, first, 1, 1), TIMEOUT, out);
      p.onNack(new Nack(3, first, b(2, 3)), TIMEOUT, out);
      assertThat(p.isLeader()).isFalse();
      out.clear();

      p.tick(2 * TIMEOUT, out);
      Prepare again = only(out, Prepare.class);
      assertThat(again.ballot()).isEqualTo(b(3, 1));
      p.onPromise(
          promise(2, again, new AcceptedEntry(1, first, batch(cmd(1, 1)))), 2 * TIMEOUT, out);
      p.onPromise(promise(3, again), 2 * TIMEOUT, out);
      assertThat(p.isLeader()).isTrue();
      p.flush(2 * TIMEOUT, out);
      assertThat(only(out, Accept.class).values()).containsExactly(batch(cmd(1, 1)));

      p.onAccepted(new Accepted(2, first, 1, 1), 2 * TIMEOUT, out);
      p.onAccepted(new Accepted(3, again.ballot(), 1, 1), 2 * TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(1);

      p.onAccepted(new Accepted(1, again.ballot(), 1, 1), 2 * TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(2);
    }

    @Test
    @DisplayName("a vote from a node that is not an acceptor is not counted")
    void voteFromNonAcceptorIgnored() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(
                  Member.of(1, Role.PROPOSER, Role.ACCEPTOR),
                  Member.of(2, Role.ACCEPTOR),
                  Member.of(3, Role.ACCEPTOR),
                  Member.of(4, Role.LEARNER)));
      DefaultProposer p = proposer(1, split);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);
      assertThat(recipients(out, Accept.class)).containsExactly(1, 2, 3, 4);

      p.onAccepted(new Accepted(1, ballot, 1, 1), TIMEOUT, out);
      p.onAccepted(new Accepted(4, ballot, 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(1);
      p.onAccepted(new Accepted(3, ballot, 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(2);
    }

    @Test
    @DisplayName(
        "the commit point advances only over a contiguous prefix of chosen slots, and the next"
            + " Commit carries it to the learners")
    void commitPointContiguous() {
      DefaultProposer p = proposer(1, THREE, OPTIONS.withMaxBatchCommands(1), DurableState.EMPTY);
      Ballot ballot = elect(p, 1, 2);
      for (int i = 1; i <= 3; i++) {
        p.propose(cmd(1, i), TIMEOUT, out);
      }
      p.flush(TIMEOUT, out);
      assertThat(only(out, Accept.class).values()).hasSize(3);
      out.clear();

      p.onAccepted(new Accepted(2, ballot, 2, 2), TIMEOUT, out);
      p.onAccepted(new Accepted(3, ballot, 2, 2), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(1);
      assertThat(p.chosenValue(2)).isEmpty();
      p.flush(TIMEOUT, out);
      assertThat(sent(out, Commit.class)).allSatisfy(c -> assertThat(c.commitSlot()).isOne());
      out.clear();

      p.onAccepted(new Accepted(2, ballot, 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(1);
      p.onAccepted(new Accepted(1, ballot, 1, 1), TIMEOUT, out);
      assertThat(p.commitIndex()).isEqualTo(4);
      p.flush(TIMEOUT, out);
      assertThat(only(out, Commit.class)).isEqualTo(new Commit(1, ballot, 4));
      assertThat(recipients(out, Commit.class)).containsExactly(1, 2, 3);
      assertThat(p.chosenValue(1)).contains(batch(cmd(1, 1)));
      assertThat(p.chosenValue(3)).contains(batch(cmd(1, 3)));
      assertThat(p.chosenValue(4)).isEmpty();
    }

    @Test
    @DisplayName("the commit point rides on the next Accept instead of a separate Commit")
    void commitPointPiggybacked() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);
      p.onAccepted(new Accepted(1, ballot, 1, 1), TIMEOUT, out);
      p.onAccepted(new Accepted(2, ballot, 1, 1), TIMEOUT, out);
      out.clear();

      p.propose(cmd(1, 2), TIMEOUT, out);
      p.flush(TIMEOUT, out);

      Accept accept = only(out, Accept.class);
      assertThat(accept.firstSlot()).isEqualTo(2);
      assertThat(accept.commitSlot()).isEqualTo(2);
      assertThat(sent(out, Commit.class)).isEmpty();
    }

    @Test
    @DisplayName("a quorum of votes for other slots or a stale ballot does not choose a slot")
    void votesAreForTheirOwnSlots() {
      DefaultProposer p = proposer(1, THREE, OPTIONS.withMaxBatchCommands(1), DurableState.EMPTY);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.propose(cmd(1, 2), TIMEOUT, out);
      p.flush(TIMEOUT, out);

      p.onAccepted(new Accepted(2, ballot, 2, 1), TIMEOUT, out);
      p.onAccepted(new Accepted(3, ballot, 1, 0), TIMEOUT, out);
      p.onAccepted(new Accepted(1, b(0, 1), 1, 2), TIMEOUT, out);
      p.onAccepted(new Accepted(1, ballot, 3, 5), TIMEOUT, out);
      p.onAccepted(new Accepted(3, ballot, 3, 5), TIMEOUT, out);

      assertThat(p.commitIndex()).isEqualTo(1);
    }
  }

  @Nested
  @DisplayName("batching and pipelining")
  class Batching {

    @Test
    @DisplayName("commands queued before a flush share one slot, in the order proposed")
    void commandsShareASlot() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      List<Command> commands = new ArrayList<>();
      for (int i = 1; i <= 5; i++) {
        commands.add(cmd(1, i));
        p.propose(cmd(1, i), TIMEOUT, out);
      }
      assertThat(sent(out)).isEmpty();

      p.flush(TIMEOUT, out);

      assertThat(only(out, Accept.class))
          .isEqualTo(new Accept(1, ballot, 1, List.of(new Value.Batch(commands)), 1));
    }

    @Test
    @DisplayName("a slot holds at most maxBatchCommands commands; the rest fill the next slots")
    void maxBatchCommands() {
      DefaultProposer p = proposer(1, THREE, OPTIONS.withMaxBatchCommands(2), DurableState.EMPTY);
      elect(p, 1, 2);
      for (int i = 1; i <= 5; i++) {
        p.propose(cmd(1, i), TIMEOUT, out);
      }

      p.flush(TIMEOUT, out);

      Accept accept = only(out, Accept.class);
      assertThat(accept.firstSlot()).isEqualTo(1);
      assertThat(accept.values())
          .containsExactly(
              batch(cmd(1, 1), cmd(1, 2)), batch(cmd(1, 3), cmd(1, 4)), batch(cmd(1, 5)));
    }

    @Test
    @DisplayName("a slot holds at most maxBatchBytes of payload, but always at least one command")
    void maxBatchBytes() {
      // Each command's payload is "cmd-N": 5 bytes.
      ProtocolOptions small =
          new ProtocolOptions(50, 300, 600, 200, 256, 100, 12, 12, 256, 64, false);
      DefaultProposer p = proposer(1, THREE, small, DurableState.EMPTY);
      elect(p, 1, 2);
      for (int i = 1; i <= 5; i++) {
        p.propose(cmd(1, i), TIMEOUT, out);
      }

      p.flush(TIMEOUT, out);

      assertThat(only(out, Accept.class).values())
          .containsExactly(
              batch(cmd(1, 1), cmd(1, 2)), batch(cmd(1, 3), cmd(1, 4)), batch(cmd(1, 5)));
    }

    @Test
    @DisplayName(
        "at most window slots beyond the commit point are in flight; more are proposed as the"
            + " commit point advances")
    void windowLimit() {
      ProtocolOptions options = OPTIONS.withWindow(2).withMaxBatchCommands(1);
      DefaultProposer p = proposer(1, THREE, options, DurableState.EMPTY);
      Ballot ballot = elect(p, 1, 2);
      for (int i = 1; i <= 5; i++) {
        p.propose(cmd(1, i), TIMEOUT, out);
      }

      p.flush(TIMEOUT, out);
      assertThat(proposedTo(2)).containsOnlyKeys(1L, 2L);
      out.clear();
      p.flush(TIMEOUT, out);
      assertThat(sent(out, Accept.class)).isEmpty();

      p.onAccepted(new Accepted(1, ballot, 1, 1), TIMEOUT, out);
      p.onAccepted(new Accepted(2, ballot, 1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);

      assertThat(proposedTo(2)).containsOnlyKeys(3L);
      assertThat(proposedTo(2).get(3L)).isEqualTo(batch(cmd(1, 3)));
    }

    @Test
    @DisplayName("Accepts carry at most maxSlotsPerMessage slots each")
    void maxSlotsPerMessage() {
      ProtocolOptions options =
          new ProtocolOptions(50, 300, 600, 200, 256, 1, 1 << 20, 1 << 20, 2, 64, false);
      DefaultProposer p = proposer(1, THREE, options, DurableState.EMPTY);
      elect(p, 1, 2);
      for (int i = 1; i <= 5; i++) {
        p.propose(cmd(1, i), TIMEOUT, out);
      }

      p.flush(TIMEOUT, out);

      assertThat(sentTo(out, 2, Accept.class))
          .extracting(Accept::firstSlot, a -> a.values().size())
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(1L, 2),
              org.assertj.core.groups.Tuple.tuple(3L, 2),
              org.assertj.core.groups.Tuple.tuple(5L, 1));
    }

    @Test
    @DisplayName("a candidate queues commands and proposes them after its re-proposals")
    void candidateQueues() {
      DefaultProposer p = proposer(1, THREE, OPTIONS, maxRound(3));
      Prepare prepare = campaign(p);
      p.propose(cmd(1, 1), TIMEOUT, out);
      assertThat(out.abandoned()).isEmpty();
      p.onPromise(promise(2, prepare, new AcceptedEntry(1, b(2, 2), value(1))), TIMEOUT, out);
      p.onPromise(promise(3, prepare), TIMEOUT, out);
      out.clear();

      p.flush(TIMEOUT, out);

      assertThat(proposedTo(1))
          .containsExactly(Map.entry(1L, value(1)), Map.entry(2L, batch(cmd(1, 1))));
    }
  }
}
