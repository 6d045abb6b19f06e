package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A one-shot command that reaches a proposer twice (a {@code Forward} the network duplicated) takes
 * one slot, since a second slot would apply it twice; and a copy the proposer cannot tell from one
 * it received before a restart is neither proposed nor handed back as not proposed.
 */
class ProposerDuplicateTest {
  private static final ClusterConfig THREE = ClusterConfig.of("t", 1, 2, 3);
  private static final Command CMD = new Command(2, 9, 1, new byte[] {1});

  private static DefaultProposer candidate(Outbox out) {
    return candidate(ProposerFixture.proposer(1, THREE), out);
  }

  /** {@code p} after its election timeout: a candidate with a fresh ballot. */
  private static DefaultProposer candidate(DefaultProposer p, Outbox out) {
    p.tick(0, out);
    p.tick(10_000, out);
    return p;
  }

  /** Promises from nodes 1 and 2 (a majority of three) for {@code p}'s ballot. */
  private static void promised(DefaultProposer p, Outbox out) {
    p.onPromise(new Message.Promise(1, p.ballot(), 1, List.of()), 10_000, out);
    p.onPromise(new Message.Promise(2, p.ballot(), 1, List.of()), 10_000, out);
  }

  private static List<Long> slotsCarrying(Outbox out, Command command) {
    List<Long> slots = new ArrayList<>();
    for (int i = 0; i < out.sendCount(); i++) {
      if (out.sendMessage(i) instanceof Message.Accept a && out.sendTo(i) == 2) {
        for (int k = 0; k < a.values().size(); k++) {
          if (a.values().get(k).commands().contains(command)) {
            slots.add(a.firstSlot() + k);
          }
        }
      }
    }
    return slots;
  }

  @Test
  void aCommandForwardedTwiceIsProposedOnce() {
    Outbox out = new Outbox();
    DefaultProposer p = candidate(out);
    Ballot b = p.ballot();
    promised(p, out);
    assertThat(p.isLeader()).isTrue();
    out.clear();
    p.propose(CMD, 10_001, out);
    p.flush(10_001, out);
    p.propose(CMD, 10_002, out);
    p.flush(10_002, out);
    assertThat(slotsCarrying(out, CMD)).containsExactly(1L);
  }

  @Test
  void aQueuedCopyOfAReproposedCommandTakesNoSecondSlot() {
    Outbox out = new Outbox();
    DefaultProposer p = candidate(out);
    Ballot b = p.ballot();
    p.propose(CMD, 10_000, out); // queued while campaigning, e.g. a duplicate after a restart
    Value earlier = new Value.Batch(List.of(CMD));
    AcceptedEntry accepted = new AcceptedEntry(1, new Ballot(0, 3), earlier);
    p.onPromise(new Message.Promise(2, b, 1, List.of(accepted)), 10_000, out);
    p.onPromise(new Message.Promise(3, b, 1, List.of()), 10_000, out);
    out.clear();
    p.flush(10_001, out);
    assertThat(slotsCarrying(out, CMD)).containsExactly(1L);
  }

  private static final Command SESSION = new Command(2, 11, 5, 1, new byte[] {2});

  /** A proposer that led with round 3 before it restarted, now a follower of node 2. */
  private static DefaultProposer restartedFollower(Outbox out) {
    DefaultProposer p =
        ProposerFixture.proposer(1, THREE, ProposerFixture.OPTIONS, ProposerFixture.maxRound(3));
    p.onLeaderMessage(new Ballot(4, 2), 1, 0, out);
    return p;
  }

  @Test
  void aRestartedProposerAnswersOutcomeUnknownToACommandForwardedToItsEarlierIncarnation() {
    Outbox out = new Outbox();
    DefaultProposer p = restartedFollower(out);
    out.clear();
    // Addressed to the ballot it led with before the restart, or to no known ballot: it may have
    // proposed an earlier copy, so "not proposed" could be a lie.
    Command other = new Command(2, 9, 2, new byte[] {1});
    p.proposeForwarded(CMD, new Ballot(3, 1), 1, out);
    p.proposeForwarded(other, Ballot.ZERO, 1, out);
    p.flush(1, out);
    assertThat(out.abandoned())
        .containsExactly(
            new Outbox.Abandoned(List.of(CMD), Outbox.Rejection.OUTCOME_UNKNOWN, 2),
            new Outbox.Abandoned(List.of(other), Outbox.Rejection.OUTCOME_UNKNOWN, 2));
    assertThat(out.sendCount()).isZero();
  }

  @Test
  void aRestartedProposerStillHandsBackSessionCommandsAndLocalOnes() {
    Outbox out = new Outbox();
    DefaultProposer p = restartedFollower(out);
    out.clear();
    // A session command's retry is applied once by the session table; a local caller's command
    // was submitted in this incarnation.
    p.proposeForwarded(SESSION, new Ballot(3, 1), 1, out);
    p.propose(CMD, 1, out);
    assertThat(out.abandoned())
        .extracting(Outbox.Abandoned::commands)
        .containsExactly(List.of(SESSION), List.of(CMD));
  }

  @Test
  void aRestartedLeaderRefusesACopyForwardedToItsEarlierIncarnationButTakesOnesForItsBallot() {
    Outbox out = new Outbox();
    DefaultProposer p =
        candidate(
            ProposerFixture.proposer(
                1, THREE, ProposerFixture.OPTIONS, ProposerFixture.maxRound(3)),
            out);
    Ballot b = p.ballot();
    assertThat(b.round()).isGreaterThan(3);
    promised(p, out);
    assertThat(p.isLeader()).isTrue();
    out.clear();
    Command fresh = new Command(3, 9, 7, new byte[] {3});
    p.proposeForwarded(CMD, new Ballot(3, 1), 10_001, out);
    p.proposeForwarded(fresh, b, 10_001, out);
    p.flush(10_001, out);
    assertThat(slotsCarrying(out, CMD)).isEmpty();
    assertThat(slotsCarrying(out, fresh)).containsExactly(1L);
    assertThat(out.abandoned())
        .extracting(Outbox.Abandoned::reason)
        .containsExactly(Outbox.Rejection.OUTCOME_UNKNOWN);
  }

  @Test
  void aCopyOfACommandTheProposerForgotUnderOverloadGetsOutcomeUnknown() {
    Outbox out = new Outbox();
    DefaultProposer p = candidate(out);
    Ballot b = p.ballot();
    promised(p, out);
    out.clear();
    p.proposeForwarded(CMD, b, 10_001, out); // queued (no flush: the queue fills up)
    int rejected = 0;
    for (int i = 1; rejected < 70_000; i++) {
      p.proposeForwarded(new Command(3, 99, i, new byte[] {1}), b, 10_001, out);
      rejected = out.abandoned().size();
    }
    // CMD's id was pushed out by the rejected commands while CMD still waits in the queue: a copy
    // must get neither "overloaded" (it may be chosen) nor a second place in the queue.
    out.clear();
    p.proposeForwarded(CMD, b, 10_002, out);
    assertThat(out.abandoned())
        .containsExactly(new Outbox.Abandoned(List.of(CMD), Outbox.Rejection.OUTCOME_UNKNOWN, 1));
    p.flush(10_002, out);
    assertThat(slotsCarrying(out, CMD)).containsExactly(1L);
  }

  @Test
  void aProposerThatNeverLedBeforeItStartedHandsBackAnyForwardedCommand() {
    Outbox out = new Outbox();
    DefaultProposer p = ProposerFixture.proposer(1, THREE);
    p.onLeaderMessage(new Ballot(1, 2), 1, 0, out);
    out.clear();
    p.proposeForwarded(CMD, Ballot.ZERO, 1, out);
    assertThat(out.abandoned())
        .containsExactly(new Outbox.Abandoned(List.of(CMD), Outbox.Rejection.NOT_LEADER, 2));
  }
}
