package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.recipients;
import static io.paxos.core.protocol.Probe.sentTo;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Prepare;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Rule tests of the proposer: what a new leader re-proposes after phase 1. */
class ProposerReproposalTest extends ProposerFixture {
  @Nested
  @DisplayName("values a new leader re-proposes")
  class Reproposal {

    @Test
    @DisplayName(
        "P2c: v is the value of the highest-numbered proposal among all proposals numbered less"
            + " than n accepted by the acceptors in S, per slot; not the value with most votes,"
            + " not the newest arrival, not its own (docs/pitfalls.md #4)")
    void highestBallotValuePerSlot() {
      DefaultProposer p = proposer(1, FIVE, OPTIONS, maxRound(9));
      Prepare prepare = campaign(p);
      p.propose(cmd(1, 100), TIMEOUT, out);
      Value a = value(1);
      Value bValue = value(2);
      Value x = value(3);
      Value y = value(4);
      Value lowP = value(5);
      Value highQ = value(6);

      // Slot 1: A has the highest ballot, B has more votes. Slot 2: X is highest, Y arrives last.
      // Slot 3: Q is highest and arrives last.
      p.onPromise(
          promise(
              2,
              prepare,
              new AcceptedEntry(1, b(3, 2), a),
              new AcceptedEntry(2, b(4, 3), x),
              new AcceptedEntry(3, b(1, 5), lowP)),
          TIMEOUT,
          out);
      p.onPromise(
          promise(
              3, prepare, new AcceptedEntry(1, b(2, 4), bValue), new AcceptedEntry(2, b(2, 2), y)),
          TIMEOUT,
          out);
      assertThat(p.isLeader()).isFalse();
      p.onPromise(
          promise(
              4,
              prepare,
              new AcceptedEntry(1, b(2, 4), bValue),
              new AcceptedEntry(3, b(5, 5), highQ)),
          TIMEOUT,
          out);
      assertThat(p.isLeader()).isTrue();
      out.clear();

      p.flush(TIMEOUT, out);

      Accept accept = only(out, Accept.class);
      assertThat(accept.ballot()).isEqualTo(b(10, 1));
      assertThat(accept.firstSlot()).isEqualTo(1);
      assertThat(accept.values()).containsExactly(a, x, highQ, batch(cmd(1, 100)));
    }

    @Test
    @DisplayName(
        "a new leader fills holes with no-ops up to the highest slot any promise reported, even"
            + " far above its own knowledge, and re-proposes that slot's value"
            + " (docs/pitfalls.md #5)")
    void fillsHolesUpToHighestReportedSlot() {
      DefaultProposer p = proposer(1, THREE, OPTIONS, maxRound(4));
      Prepare prepare = campaign(p);
      Value first = value(1);
      Value far = value(5000);
      p.onPromise(promise(2, prepare, new AcceptedEntry(1, b(2, 2), first)), TIMEOUT, out);
      p.onPromise(promise(3, prepare, new AcceptedEntry(5000, b(3, 3), far)), TIMEOUT, out);
      out.clear();

      p.flush(TIMEOUT, out);

      Map<Long, Value> proposed = proposedTo(2);
      assertThat(proposed).hasSize(5000);
      assertThat(proposed.get(1L)).isEqualTo(first);
      assertThat(proposed.get(5000L)).isEqualTo(far);
      for (long s = 2; s < 5000; s++) {
        assertThat(proposed.get(s)).as("slot %d", s).isEqualTo(Value.NOOP);
      }
      assertThat(sentTo(out, 2, Accept.class))
          .allSatisfy(a -> assertThat(a.values()).hasSizeLessThanOrEqualTo(256));
      assertThat(proposedTo(3)).isEqualTo(proposed);
    }

    @Test
    @DisplayName(
        "re-proposal starts at the Prepare's first slot: entries reported below it are not"
            + " re-proposed, holes above it are filled")
    void reproposalStartsAtPrepareFrom() {
      DefaultProposer p = proposer(1, THREE, OPTIONS, maxRound(4));
      p.onChosenPrefix(10);
      Prepare prepare = campaign(p);
      assertThat(prepare.fromSlot()).isEqualTo(10);
      p.onPromise(
          promise(
              2,
              prepare,
              new AcceptedEntry(5, b(2, 2), value(5)),
              new AcceptedEntry(12, b(2, 2), value(12))),
          TIMEOUT,
          out);
      p.onPromise(promise(3, prepare), TIMEOUT, out);
      out.clear();

      p.flush(TIMEOUT, out);

      Accept accept = only(out, Accept.class);
      assertThat(accept.firstSlot()).isEqualTo(10);
      assertThat(accept.values()).containsExactly(Value.NOOP, Value.NOOP, value(12));
      assertThat(accept.commitSlot()).isEqualTo(10);
    }

    @Test
    @DisplayName("a new leader with nothing reported proposes new commands from its first slot")
    void nothingReported() {
      DefaultProposer p = proposer(1, THREE);
      Ballot ballot = elect(p, 1, 2);
      p.propose(cmd(1, 1), TIMEOUT, out);
      p.flush(TIMEOUT, out);

      assertThat(only(out, Accept.class))
          .isEqualTo(new Accept(1, ballot, 1, List.of(batch(cmd(1, 1))), 1));
      assertThat(recipients(out, Accept.class)).containsExactly(1, 2, 3);
    }
  }
}
