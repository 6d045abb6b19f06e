package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.NO_JITTER;
import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.only;
import static io.paxos.core.protocol.Probe.onlyTo;
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
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.HeartbeatAck;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import io.paxos.core.protocol.Message.ReadIndexReply;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.ReadIndex;
import io.paxos.core.protocol.Outbox.Rejection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DefaultProposerTest {
  private static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  private static final ClusterConfig FIVE = ClusterConfig.of("test", 1, 2, 3, 4, 5);
  private static final ProtocolOptions OPTIONS = ProtocolOptions.defaults();

  /** With {@link Probe#NO_JITTER} every election timeout is exactly this long. */
  private static final long TIMEOUT = OPTIONS.electionTimeoutMinMs();

  private final Outbox out = new Outbox();

  private static DefaultProposer proposer(int id, ClusterConfig config) {
    return proposer(id, config, OPTIONS, DurableState.EMPTY);
  }

  private static DefaultProposer proposer(
      int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
    return new DefaultProposer(id, config, options, NO_JITTER, state);
  }

  private static DurableState maxRound(long round) {
    return new DurableState(Ballot.ZERO, List.of(), round, List.of());
  }

  /** A fresh proposer's first election timer fires: it ticks at 0 and at the timeout. */
  private Prepare campaign(DefaultProposer p, long timeout) {
    p.tick(0, out);
    assertThat(sent(out, Prepare.class)).isEmpty();
    p.tick(timeout, out);
    Prepare prepare = only(out, Prepare.class);
    out.clear();
    return prepare;
  }

  private Prepare campaign(DefaultProposer p) {
    return campaign(p, TIMEOUT);
  }

  private static Promise promise(int from, Prepare prepare, AcceptedEntry... accepted) {
    return new Promise(from, prepare.ballot(), prepare.fromSlot(), List.of(accepted));
  }

  /** Campaign and receive empty promises from {@code acceptors}; leads at {@code TIMEOUT}. */
  private Ballot elect(DefaultProposer p, int... acceptors) {
    Prepare prepare = campaign(p);
    for (int a : acceptors) {
      p.onPromise(promise(a, prepare), TIMEOUT, out);
    }
    assertThat(p.isLeader()).isTrue();
    out.clear();
    return prepare.ballot();
  }

  /** Values proposed to {@code acceptor} by slot, over all queued Accepts. */
  private Map<Long, Value> proposedTo(int acceptor) {
    Map<Long, Value> bySlot = new TreeMap<>();
    for (Accept a : sentTo(out, acceptor, Accept.class)) {
      for (int i = 0; i < a.values().size(); i++) {
        bySlot.put(a.firstSlot() + i, a.values().get(i));
      }
    }
    return bySlot;
  }

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
            + " (PITFALLS #2)")
    void persistsRoundWithPrepare() {
      DefaultProposer p = proposer(1, THREE);
      p.tick(0, out);
      p.tick(TIMEOUT, out);

      assertThat(out.round()).isEqualTo(1);
      assertThat(out.needsSync()).isTrue();
      assertThat(only(out, Prepare.class).ballot().round()).isEqualTo(out.round());
    }

    @Test
    @DisplayName("a restarted proposer starts above the highest round it persisted (PITFALLS #2)")
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
            + " (PITFALLS #2)")
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
  @DisplayName("values a new leader re-proposes")
  class Reproposal {

    @Test
    @DisplayName(
        "P2c: v is the value of the highest-numbered proposal among all proposals numbered less"
            + " than n accepted by the acceptors in S, per slot; not the value with most votes,"
            + " not the newest arrival, not its own (PITFALLS #4)")
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
            + " far above its own knowledge, and re-proposes that slot's value (PITFALLS #5)")
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

  @Nested
  @DisplayName("phase 2: votes and the commit point")
  class Phase2 {

    @Test
    @DisplayName(
        "a duplicated Accepted from one acceptor is counted once: a value is chosen only when a"
            + " quorum of distinct acceptors accepted it (PITFALLS #7)")
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
            + " a quorum accepted the same ballot (PITFALLS #7)")
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
            + " and does not campaign again while it hears it (PITFALLS #10)")
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
