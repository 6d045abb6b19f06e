package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.Role;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every bound of {@link MessageBounds} at its edges: 0, -1, the limit, the limit + 1, MAX_VALUE.
 * (The host's messages: {@code io.paxos.core.host.PeerMessageBoundsTest}.)
 */
class MessageBoundsTest {
  private static final long MAX_SLOT = MessageBounds.MAX_SLOT;
  private static final long MAX_ROUND = Ballot.MAX_ROUND;
  private static final MessageLimits LIMITS = new MessageLimits(1000, 50, 1 << 20, 1L << 40);
  private static final long FRONTIER = 100;
  private static final long REACH = FRONTIER + 1000;

  // 1-3 host every role; 4 is an acceptor only, 5 a learner only.
  private final ClusterConfig config =
      ClusterConfig.withMajorities(
          "bounds",
          List.of(
              Member.allRoles(1),
              Member.allRoles(2),
              Member.allRoles(3),
              Member.of(4, Role.ACCEPTOR),
              Member.of(5, Role.LEARNER)));
  private final MessageBounds bounds = new MessageBounds(config, LIMITS);

  private Optional<String> check(Message m) {
    return bounds.refusal(m, FRONTIER, MAX_ROUND);
  }

  private static Ballot b(long round, int node) {
    return new Ballot(round, node);
  }

  private static Value batchOf(int commands) {
    List<Command> list = new java.util.ArrayList<>();
    for (int i = 0; i < commands; i++) {
      list.add(new Command(1, 9, i + 1, new byte[] {1}));
    }
    return BatchCodec.decode(BatchCodec.encode(list));
  }

  private static List<Value> noops(int n) {
    return java.util.Collections.nCopies(n, Value.NOOP);
  }

  @Test
  void priorityClaimsComeFromProposersWithBoundedBallotAndSlot() {
    assertThat(check(new Message.PriorityClaim(2, b(1, 1), 0))).isEmpty();
    assertThat(check(new Message.PriorityClaim(2, b(1, 1), MAX_SLOT))).isEmpty();
    assertThat(check(new Message.PriorityClaim(2, b(1, 1), MAX_SLOT + 1))).isPresent();
    assertThat(check(new Message.PriorityClaim(2, b(1, 1), -1))).isPresent();
    assertThat(check(new Message.PriorityClaim(2, b(1, 1), Long.MAX_VALUE))).isPresent();
    assertThat(check(new Message.PriorityClaim(2, b(MAX_ROUND, 1), 1))).isEmpty();
    assertThat(check(new Message.PriorityClaim(2, b(MAX_ROUND + 1, 1), 1))).isPresent();
    assertThat(check(new Message.PriorityClaim(4, b(1, 1), 1)))
        .hasValueSatisfying(r -> assertThat(r).contains("hosts no PROPOSER"));
    assertThat(check(new Message.PriorityClaim(5, b(1, 1), 1))).isPresent();
    assertThat(check(new Message.PriorityClaim(9, b(1, 1), 1))).isPresent();
    long reach = 10 + (1L << 40);
    assertThat(bounds.refusal(new Message.PriorityClaim(2, b(reach, 1), 1), FRONTIER, 10))
        .isEmpty();
    assertThat(bounds.refusal(new Message.PriorityClaim(2, b(reach + 1, 1), 1), FRONTIER, 10))
        .isPresent();
  }

  @Test
  void roundsUpToTheMaximumPassAndAboveAreRefused() {
    assertThat(check(new Message.Heartbeat(2, b(MAX_ROUND, 2), 0, 0))).isEmpty();
    assertThat(check(new Message.Heartbeat(2, b(MAX_ROUND + 1, 2), 0, 0))).isPresent();
    assertThat(check(new Message.Heartbeat(2, b(Long.MAX_VALUE, 2), 0, 0))).isPresent();
    assertThat(check(new Message.Prepare(2, b(MAX_ROUND, 2), 1))).isEmpty();
    assertThat(check(new Message.Prepare(2, b(MAX_ROUND + 1, 2), 1))).isPresent();
    assertThat(check(new Message.Nack(2, b(1, 1), b(MAX_ROUND, 3)))).isEmpty();
    assertThat(check(new Message.Nack(2, b(1, 1), b(MAX_ROUND + 1, 3)))).isPresent();
    assertThat(check(new Message.Nack(2, b(Long.MAX_VALUE, 1), b(1, 3)))).isPresent();
    assertThat(check(new Message.HeartbeatAck(2, b(MAX_ROUND + 1, 1), 0))).isPresent();
    assertThat(check(new Message.Forward(2, b(MAX_ROUND + 1, 1), List.of()))).isPresent();
    assertThat(check(new Message.Promise(2, b(MAX_ROUND + 1, 1), 1, List.of()))).isPresent();
  }

  @Test
  void aProposerSendsOnlyItsOwnBallotFromRoundOne() {
    assertThat(check(new Message.Prepare(2, b(1, 2), 1))).isEmpty();
    assertThat(check(new Message.Prepare(2, b(1, 3), 1)))
        .hasValueSatisfying(why -> assertThat(why).contains("not a ballot node 2 can issue"));
    assertThat(check(new Message.Prepare(2, b(0, 2), 1))).isPresent();
    assertThat(check(new Message.Commit(2, Ballot.ZERO, 1))).isPresent();
    assertThat(check(new Message.Accept(2, b(5, 1), 1, noops(1), 0))).isPresent();
  }

  @Test
  void sendersMustBeMembersWithTheSendingRole() {
    assertThat(check(new Message.Heartbeat(9, b(1, 9), 0, 0)))
        .hasValueSatisfying(why -> assertThat(why).contains("not a member"));
    assertThat(check(new Message.ReadIndexRequest(0, 1))).isPresent();
    assertThat(check(new Message.ReadIndexRequest(-1, 1))).isPresent();
    // Node 4 hosts no proposer, node 5 no acceptor.
    assertThat(check(new Message.Heartbeat(4, b(1, 4), 0, 0))).isPresent();
    assertThat(check(new Message.Promise(5, b(1, 1), 1, List.of()))).isPresent();
    assertThat(check(new Message.Promise(4, b(1, 1), 1, List.of()))).isEmpty();
    assertThat(check(new Message.SnapshotDurable(4, 10))).isPresent();
    assertThat(check(new Message.SnapshotDurable(5, 10))).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(longs = {-1, Long.MIN_VALUE})
  void negativeSlotsAreRefused(long slot) {
    assertThat(check(new Message.Prepare(2, b(1, 2), slot))).isPresent();
    assertThat(check(new Message.Commit(2, b(1, 2), slot))).isPresent();
    assertThat(check(new Message.Accept(2, b(1, 2), slot, noops(1), 0))).isPresent();
    assertThat(check(new Message.Accept(2, b(1, 2), 1, noops(1), slot))).isPresent();
    assertThat(check(new Message.CatchUpRequest(2, slot, 1))).isPresent();
    assertThat(check(new Message.CatchUpReply(2, slot, noops(1)))).isPresent();
    assertThat(check(new Message.SnapshotDurable(2, slot))).isPresent();
    assertThat(check(new Message.AcceptedQuery(2, 1, slot, 5))).isPresent();
    assertThat(check(new Message.ReadIndexReply(2, 1, true, slot, 2))).isPresent();
  }

  @Test
  void slotsUpToTheMaximumPassWhereNoWindowApplies() {
    assertThat(check(new Message.Commit(2, b(1, 2), 0))).isEmpty();
    assertThat(check(new Message.Commit(2, b(1, 2), MAX_SLOT))).isEmpty();
    assertThat(check(new Message.Commit(2, b(1, 2), MAX_SLOT + 1))).isPresent();
    assertThat(check(new Message.Commit(2, b(1, 2), Long.MAX_VALUE))).isPresent();
    assertThat(check(new Message.Prepare(2, b(1, 2), MAX_SLOT))).isEmpty();
    assertThat(check(new Message.Prepare(2, b(1, 2), MAX_SLOT + 1))).isPresent();
    assertThat(check(new Message.SnapshotDurable(2, MAX_SLOT))).isEmpty();
    assertThat(check(new Message.SnapshotDurable(2, Long.MAX_VALUE))).isPresent();
  }

  @Test
  void acceptsReachAtMostTheWindowBeyondTheFrontier() {
    assertThat(check(new Message.Accept(2, b(1, 2), REACH - 1, noops(1), 0))).isEmpty();
    assertThat(check(new Message.Accept(2, b(1, 2), REACH, noops(1), 0))).isPresent();
    assertThat(check(new Message.Accept(2, b(1, 2), REACH - 10, noops(10), 0))).isEmpty();
    assertThat(check(new Message.Accept(2, b(1, 2), REACH - 10, noops(11), 0))).isPresent();
    assertThat(check(new Message.Accept(2, b(1, 2), 1L << 40, noops(1), 0))).isPresent();
    assertThat(check(new Message.Accept(2, b(1, 2), MAX_SLOT, noops(1), 0))).isPresent();
    assertThat(check(new Message.Accept(2, b(1, 2), Long.MAX_VALUE, noops(1), 0))).isPresent();
    // Below the frontier is fine (a retransmission); so is an empty Accept.
    assertThat(check(new Message.Accept(2, b(1, 2), 0, noops(0), 0))).isEmpty();
    assertThat(check(new Message.Accepted(2, b(1, 2), REACH - 5, 5))).isEmpty();
    assertThat(check(new Message.Accepted(2, b(1, 2), REACH - 5, 6))).isPresent();
    assertThat(check(new Message.CatchUpReply(2, REACH - 1, noops(1)))).isEmpty();
    assertThat(check(new Message.CatchUpReply(2, REACH, noops(1)))).isPresent();
  }

  @Test
  void countsAreBoundedByTheLimit() {
    assertThat(check(new Message.Accept(2, b(1, 2), 100, noops(50), 0))).isEmpty();
    assertThat(check(new Message.Accept(2, b(1, 2), 100, noops(51), 0))).isPresent();
    assertThat(check(new Message.Accepted(2, b(1, 2), 100, 50))).isEmpty();
    assertThat(check(new Message.Accepted(2, b(1, 2), 100, 51))).isPresent();
    assertThat(check(new Message.Accepted(2, b(1, 2), 100, -1))).isPresent();
    assertThat(check(new Message.Accepted(2, b(1, 2), 100, Integer.MAX_VALUE))).isPresent();
    assertThat(check(new Message.CatchUpRequest(2, 1, 0))).isEmpty();
    assertThat(check(new Message.CatchUpRequest(2, 1, 50))).isEmpty();
    assertThat(check(new Message.CatchUpRequest(2, 1, 51))).isPresent();
    assertThat(check(new Message.CatchUpRequest(2, 1, -1))).isPresent();
    assertThat(check(new Message.CatchUpRequest(2, 1, Integer.MAX_VALUE))).isPresent();
    assertThat(check(new Message.AcceptedQuery(2, 1, 10, 60))).isEmpty();
    assertThat(check(new Message.AcceptedQuery(2, 1, 10, 61))).isPresent();
    assertThat(check(new Message.AcceptedQuery(2, 1, 10, 9))).isPresent();
    assertThat(check(new Message.AcceptedQuery(2, 1, 0, MAX_SLOT))).isPresent();
    // No value holds more commands than a message may carry (counted on the batch's form).
    assertThat(check(new Message.Accept(2, b(1, 2), 100, List.of(batchOf(50)), 0))).isEmpty();
    assertThat(check(new Message.Accept(2, b(1, 2), 100, List.of(batchOf(51)), 0)))
        .hasValueSatisfying(r -> assertThat(r).contains("Accept value commands 51"));
    assertThat(check(new Message.CatchUpReply(2, 100, List.of(batchOf(50))))).isEmpty();
    assertThat(check(new Message.CatchUpReply(2, 100, List.of(batchOf(51))))).isPresent();
    AcceptedEntry big = new AcceptedEntry(101, b(1, 2), batchOf(51));
    AcceptedEntry fits = new AcceptedEntry(101, b(1, 2), batchOf(50));
    assertThat(check(new Message.Promise(2, b(1, 1), 100, List.of(fits), 0))).isEmpty();
    assertThat(check(new Message.Promise(2, b(1, 1), 100, List.of(big), 0))).isPresent();
    assertThat(check(new Message.AcceptedReport(2, 7, 100, 110, List.of(fits)))).isEmpty();
    assertThat(check(new Message.AcceptedReport(2, 7, 100, 110, List.of(big)))).isPresent();
    // A heartbeat's sequence is an id echoed back: any value passes.
    assertThat(check(new Message.Heartbeat(2, b(1, 2), 0, -1))).isEmpty();
    assertThat(check(new Message.Heartbeat(2, b(1, 2), 0, Long.MIN_VALUE))).isEmpty();
    assertThat(check(new Message.Heartbeat(2, b(1, 2), 0, Long.MAX_VALUE))).isEmpty();
  }

  @Test
  void promisesMayReportOnlyEntriesInsideTheWindowAndAboveTheirFromSlot() {
    AcceptedEntry atReach = new AcceptedEntry(REACH, b(1, 1), Value.NOOP);
    AcceptedEntry beyond = new AcceptedEntry(REACH + 1, b(1, 1), Value.NOOP);
    AcceptedEntry below = new AcceptedEntry(4, b(1, 1), Value.NOOP);
    AcceptedEntry highBallot = new AcceptedEntry(10, b(MAX_ROUND + 1, 1), Value.NOOP);
    assertThat(check(new Message.Promise(2, b(1, 1), 5, List.of(atReach)))).isEmpty();
    assertThat(check(new Message.Promise(2, b(1, 1), 5, List.of(beyond)))).isPresent();
    assertThat(check(new Message.Promise(2, b(1, 1), 5, List.of(below)))).isPresent();
    assertThat(check(new Message.Promise(2, b(1, 1), 5, List.of(highBallot)))).isPresent();
    assertThat(check(new Message.Promise(2, b(1, 1), REACH + 1, List.of()))).isPresent();
  }

  @Test
  void commandsMustNameMembersAsTheirOrigin() {
    Command fromTwo = new Command(2, 7, 1, new byte[0]);
    Command fromNowhere = new Command(99, 7, 1, new byte[0]);
    assertThat(check(new Message.Forward(2, Ballot.ZERO, List.of(fromTwo)))).isEmpty();
    assertThat(check(new Message.Forward(2, Ballot.ZERO, List.of(fromNowhere)))).isPresent();
    assertThat(
            check(
                new Message.ForwardRejected(
                    2, List.of(new Command(0, 7, 1, new byte[0])), Outbox.Rejection.OVERLOADED, 0)))
        .isPresent();
    assertThat(
            check(new Message.ForwardRejected(2, List.of(), Outbox.Rejection.NOT_LEADER, 1 << 20)))
        .isPresent();
  }

  @Test
  void commitClaimsAreCutToTheWindow() {
    assertThat(bounds.commitClaim(5, FRONTIER)).isEqualTo(5);
    assertThat(bounds.commitClaim(REACH, FRONTIER)).isEqualTo(REACH);
    assertThat(bounds.commitClaim(REACH + 1, FRONTIER)).isEqualTo(REACH);
    assertThat(bounds.commitClaim(MAX_SLOT, FRONTIER)).isEqualTo(REACH);
    assertThat(bounds.commitClaim(MAX_SLOT, MAX_SLOT)).isEqualTo(MAX_SLOT);
  }

  @Test
  void theAbsoluteCheckNeedsNoState() {
    assertThat(MessageBounds.malformed(new Message.Commit(9, b(1, 9), MAX_SLOT))).isEmpty();
    assertThat(MessageBounds.malformed(new Message.Commit(9, b(1, 9), MAX_SLOT + 1))).isPresent();
    assertThat(MessageBounds.malformed(new Message.Nack(9, b(1, 1), b(Long.MAX_VALUE, 1))))
        .isPresent();
  }

  @Test
  void roundsReachAtMostTheLimitAboveTheHighestKnown() {
    MessageBounds tight = new MessageBounds(config, new MessageLimits(1000, 50, 1 << 20, 100));
    assertThat(tight.refusal(new Message.Heartbeat(2, b(150, 2), 0, 0), 1, 50)).isEmpty();
    assertThat(tight.refusal(new Message.Heartbeat(2, b(151, 2), 0, 0), 1, 50)).isPresent();
    assertThat(tight.refusal(new Message.Nack(2, b(1, 1), b(151, 3)), 1, 50)).isPresent();
    assertThat(tight.refusal(new Message.Prepare(2, b(100, 2), 1), 1, 0)).isEmpty();
    assertThat(tight.refusal(new Message.Prepare(2, b(101, 2), 1), 1, 0)).isPresent();
    // Near the maximum, the absolute bound still holds.
    assertThat(tight.refusal(new Message.Prepare(2, b(MAX_ROUND + 1, 2), 1), 1, MAX_ROUND))
        .isPresent();
  }

  @Test
  void epochsReachAtMostTheLimitAboveTheHighestKnownAndNeverAboveTheMaximum() {
    int ahead = MessageBounds.MAX_EPOCHS_AHEAD;
    Ballot atReach = new Ballot(3 + ahead, 7, 2);
    Ballot beyond = new Ballot(3 + ahead + 1, 7, 2);
    assertThat(bounds.refusal(new Message.Heartbeat(2, atReach, 0, 0), 1, 7, 3)).isEmpty();
    assertThat(bounds.refusal(new Message.Heartbeat(2, beyond, 0, 0), 1, 7, 3))
        .hasValueSatisfying(why -> assertThat(why).contains("epochs"));
    assertThat(bounds.refusal(new Message.Nack(2, b(1, 1), beyond), 1, 7, 3)).isPresent();
    assertThat(bounds.refusal(new Message.Prepare(2, beyond, 1), 1, 7, 3)).isPresent();
    // A node of epoch 0 takes ballots of the next epochs, as a node that slept through changes
    // must.
    assertThat(check(new Message.Prepare(2, new Ballot(1, 1, 2), 1))).isEmpty();
    // The absolute bound holds whatever the node knows, also at an extreme known epoch.
    Ballot overMax = new Ballot(Ballot.MAX_EPOCH + 1, 1, 2);
    assertThat(bounds.refusal(new Message.Prepare(2, overMax, 1), 1, 7, Integer.MAX_VALUE))
        .isPresent();
    assertThat(MessageBounds.malformed(new Message.Prepare(2, overMax, 1))).isPresent();
    assertThat(
            bounds.refusal(
                new Message.Prepare(2, new Ballot(Ballot.MAX_EPOCH, 1, 2), 1),
                1,
                7,
                Integer.MAX_VALUE))
        .isEmpty();
    assertThat(bounds.refusal(new Message.Prepare(2, new Ballot(1, 1, 2), 1), 1, 7, -1)).isEmpty();
  }

  @Test
  void fromOutsideTheMembershipOnlyOtherEpochsAndCatchUpAreTaken() {
    // Node 9 is no member of this node's membership, of epoch 2 (docs/membership.md, "Catching
    // up").
    MessageBounds inEpoch2 = new MessageBounds(config, LIMITS, 2);
    java.util.function.Function<Message, Optional<String>> check =
        m -> inEpoch2.refusal(m, FRONTIER, MAX_ROUND, 2);
    // A ballot of this node's own epoch from a non-member: refused, as before.
    assertThat(check.apply(new Message.Prepare(9, new Ballot(2, 5, 9), 1))).isPresent();
    assertThat(check.apply(new Message.Heartbeat(9, new Ballot(2, 5, 9), 0, 0))).isPresent();
    // A later epoch's leader this node does not know yet, or an earlier epoch's node behind.
    assertThat(check.apply(new Message.Prepare(9, new Ballot(3, 5, 9), 1))).isEmpty();
    assertThat(check.apply(new Message.Heartbeat(9, new Ballot(3, 5, 9), 0, 0))).isEmpty();
    assertThat(check.apply(new Message.Accept(9, new Ballot(1, 5, 9), 1, List.of(), 0))).isEmpty();
    assertThat(check.apply(new Message.Nack(9, new Ballot(2, 1, 1), new Ballot(3, 0, 0))))
        .isEmpty();
    // Catch-up both ways; everything else without a ballot is refused.
    assertThat(check.apply(new Message.CatchUpRequest(9, 1, 10))).isEmpty();
    assertThat(check.apply(new Message.CatchUpReply(9, 1, List.of(Value.NOOP)))).isEmpty();
    assertThat(check.apply(new Message.ReadIndexRequest(9, 1))).isPresent();
    assertThat(check.apply(new Message.Forward(9, Ballot.ZERO, List.of()))).isPresent();
    // The epoch bound still holds for them.
    Ballot far = new Ballot(2 + MessageBounds.MAX_EPOCHS_AHEAD + 1, 5, 9);
    assertThat(check.apply(new Message.Prepare(9, far, 1))).isPresent();
  }

  @Test
  void theReachesSaturateAtExtremeStates() {
    // A promise of round 2^63-1 from storage written without bounds: sane rounds still pass.
    assertThat(bounds.refusal(new Message.Heartbeat(2, b(7, 2), 0, 0), 1, Long.MAX_VALUE))
        .isEmpty();
    assertThat(bounds.refusal(new Message.Heartbeat(2, b(7, 2), 0, 0), 1, -1)).isEmpty();
    assertThat(bounds.refusal(new Message.Commit(2, b(7, 2), MAX_SLOT), Long.MAX_VALUE, 0))
        .isEmpty();
    assertThat(bounds.commitClaim(MAX_SLOT, Long.MAX_VALUE)).isEqualTo(MAX_SLOT);
    assertThat(bounds.commitClaim(7, -1)).isEqualTo(7);
  }
}
