package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DefaultAcceptor;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Value;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import org.assertj.core.api.AbstractThrowableAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

/** Each checker fails on a hand-made bad history (and passes the matching good one). */
class CheckersTest {
  private static final ClusterConfig THREE = ClusterConfig.of("t", 1, 2, 3);
  private static final Ballot B1 = new Ballot(1, 1);
  private static final Ballot B2 = new Ballot(2, 2);

  private static Command cmd(long seq, String payload) {
    return new Command(1, 7, seq, payload.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static Value batch(Command... commands) {
    return new Value.Batch(List.of(commands));
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertViolation(
      String invariant, ThrowingCallable call) {
    return assertThatThrownBy(call)
        .isInstanceOf(InvariantViolation.class)
        .matches(e -> ((InvariantViolation) e).invariant().equals(invariant), invariant);
  }

  @Test
  void agreementFailsWhenTwoLearnersDeliverDifferentValuesForOneSlot() {
    AgreementChecker c = new AgreementChecker();
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    c.onDeliver(2, 1, batch(cmd(1, "a")));
    assertViolation(InvariantViolation.AGREEMENT, () -> c.onDeliver(3, 1, Value.NOOP));
  }

  @Test
  void validityFailsOnACommandNobodySubmittedOrOneThatChanged() {
    ValidityChecker c = new ValidityChecker();
    c.onSubmit(cmd(1, "a"));
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    c.onDeliver(1, 2, Value.NOOP);
    assertViolation(InvariantViolation.VALIDITY, () -> c.onDeliver(1, 3, batch(cmd(2, "b"))));
    assertViolation(InvariantViolation.VALIDITY, () -> c.onDeliver(1, 3, batch(cmd(1, "x"))));
  }

  @Test
  void integrityFailsOnAGap() {
    IntegrityChecker c = new IntegrityChecker();
    c.onStart(1, 1);
    c.onDeliver(1, 1, Value.NOOP);
    assertViolation(InvariantViolation.INTEGRITY, () -> c.onDeliver(1, 3, Value.NOOP));
  }

  @Test
  void integrityFailsOnARepeat() {
    IntegrityChecker c = new IntegrityChecker();
    c.onDeliver(1, 1, Value.NOOP);
    assertViolation(InvariantViolation.INTEGRITY, () -> c.onDeliver(1, 1, Value.NOOP));
  }

  @Test
  void integrityFailsWhenACommandIsChosenInTwoSlots() {
    IntegrityChecker c = new IntegrityChecker();
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    assertViolation(
        InvariantViolation.INTEGRITY, () -> c.onDeliver(1, 2, batch(cmd(2, "b"), cmd(1, "a"))));
  }

  @Test
  void integrityLetsARestartedLearnerRedeliverButNotSkip() {
    IntegrityChecker c = new IntegrityChecker();
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    c.onDeliver(1, 2, Value.NOOP);
    c.onStart(1, 2);
    c.onDeliver(1, 2, Value.NOOP);
    assertViolation(InvariantViolation.INTEGRITY, () -> c.onStart(1, 5));
  }

  @Test
  void acceptorMonotonicityFailsWhenThePromiseDecreases() {
    AcceptorChecker c = new AcceptorChecker();
    c.observe(1, B2);
    assertViolation(InvariantViolation.ACCEPTOR_MONOTONICITY, () -> c.observe(1, B1));
  }

  @Test
  void acceptorMonotonicityFailsWhenARestartForgetsAPromiseItHadSent() {
    AcceptorChecker c = new AcceptorChecker();
    c.onSent(1, new Message.Promise(1, B2, 1, List.of()));
    DefaultAcceptor restarted =
        new DefaultAcceptor(1, THREE, ProtocolOptions.defaults(), DurableState.EMPTY);
    assertViolation(InvariantViolation.ACCEPTOR_MONOTONICITY, () -> c.onRestart(1, restarted));
  }

  @Test
  void acceptorMonotonicityFailsWhenARestartForgetsAnAcceptedValueItHadVotedFor() {
    AcceptorChecker c = new AcceptorChecker();
    c.onSent(1, new Message.Accepted(1, B1, 4, 1));
    DurableState promiseOnly = new DurableState(B1, List.of(), 0, List.of());
    DefaultAcceptor restarted =
        new DefaultAcceptor(1, THREE, ProtocolOptions.defaults(), promiseOnly);
    assertViolation(InvariantViolation.ACCEPTOR_MONOTONICITY, () -> c.onRestart(1, restarted));
    DurableState kept =
        new DurableState(B1, List.of(new AcceptedEntry(4, B1, Value.NOOP)), 0, List.of());
    assertThatCode(
            () ->
                new AcceptorChecker()
                    .onRestart(1, new DefaultAcceptor(1, THREE, ProtocolOptions.defaults(), kept)))
        .doesNotThrowAnyException();
  }

  @Test
  void acceptHistoryFailsWhenOneBallotProposesTwoValuesForASlot() {
    AcceptHistoryChecker c = new AcceptHistoryChecker();
    c.onAccept(new Message.Accept(1, B1, 3, List.of(batch(cmd(1, "a"))), 1));
    c.onAccept(new Message.Accept(1, B1, 3, List.of(batch(cmd(1, "a"))), 2));
    c.onAccept(new Message.Accept(2, B2, 3, List.of(Value.NOOP), 2));
    assertViolation(
        InvariantViolation.BALLOT_UNIQUENESS,
        () -> c.onAccept(new Message.Accept(1, B1, 2, List.of(Value.NOOP, Value.NOOP), 1)));
  }

  @Test
  void chosenFailsWhenAQuorumAcceptsASecondValueForAChosenSlot() {
    AcceptHistoryChecker history = new AcceptHistoryChecker();
    ChosenChecker c = new ChosenChecker(THREE, history);
    history.onAccept(new Message.Accept(1, B1, 1, List.of(batch(cmd(1, "a"))), 1));
    history.onAccept(new Message.Accept(2, B2, 1, List.of(Value.NOOP), 1));
    c.onAcceptedSent(new Message.Accepted(1, B1, 1, 1));
    c.onAcceptedSent(new Message.Accepted(2, B1, 1, 1));
    c.onAcceptedSent(new Message.Accepted(2, B2, 1, 1));
    assertViolation(
        InvariantViolation.CHOSEN, () -> c.onAcceptedSent(new Message.Accepted(3, B2, 1, 1)));
  }

  @Test
  void chosenFailsWhenALearnerDeliversAValueThatIsNotChosen() {
    AcceptHistoryChecker history = new AcceptHistoryChecker();
    ChosenChecker c = new ChosenChecker(THREE, history);
    history.onAccept(new Message.Accept(1, B1, 1, List.of(batch(cmd(1, "a"))), 1));
    c.onAcceptedSent(new Message.Accepted(1, B1, 1, 1));
    assertViolation(
        InvariantViolation.CHOSEN, () -> c.onDeliver(1, 1, batch(cmd(1, "a")))); // one vote only
    c.onAcceptedSent(new Message.Accepted(3, B1, 1, 1));
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    assertViolation(InvariantViolation.CHOSEN, () -> c.onDeliver(2, 1, Value.NOOP));
  }

  @Test
  void livenessFailsOnAnIncompleteRequestOrLearnersThatDisagreeOnTheirPrefix() {
    SortedMap<Integer, Long> together = new TreeMap<>();
    together.put(1, 5L);
    together.put(2, 5L);
    SortedMap<Integer, Long> apart = new TreeMap<>(together);
    apart.put(3, 2L);
    assertThatCode(() -> LivenessChecker.check(0, 100, List.of(), together, 4))
        .doesNotThrowAnyException();
    assertViolation(
        InvariantViolation.LIVENESS,
        () -> LivenessChecker.check(0, 100, List.of("request 7"), together, 4));
    assertViolation(
        InvariantViolation.LIVENESS, () -> LivenessChecker.check(0, 100, List.of(), apart, 4));
  }

  private static ExactlyOnceChecker exactlyOnce() {
    return new ExactlyOnceChecker(() -> new io.paxos.core.protocol.SessionTable()::apply);
  }

  @Test
  void acknowledgedFailsWhenALearnerNeverAppliesAnAcknowledgedCommand() {
    ExactlyOnceChecker c = exactlyOnce();
    c.onStart(1, List.of());
    c.onStart(2, List.of());
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    c.onAcknowledged(CommandKey.of(cmd(1, "a")), 1, 1);
    c.onDeliver(2, 1, batch(cmd(2, "b")));
    assertViolation(InvariantViolation.ACKNOWLEDGED_LOST, c::checkAcknowledged)
        .hasMessageContaining("learner 2 never applied it");
  }

  @Test
  void acknowledgedFailsWhenARestartLosesTheCommandAndPassesOnceItIsLearnedAgain() {
    ExactlyOnceChecker c = exactlyOnce();
    c.onStart(1, List.of());
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    c.onAcknowledged(CommandKey.of(cmd(1, "a")), 1, 1);
    assertThatCode(c::checkAcknowledged).doesNotThrowAnyException();

    c.onStart(1, List.of()); // restarted; the durable log lost slot 1
    assertViolation(InvariantViolation.ACKNOWLEDGED_LOST, c::checkAcknowledged);

    c.onDeliver(1, 1, batch(cmd(1, "a")));
    assertThatCode(c::checkAcknowledged).doesNotThrowAnyException();
  }

  @Test
  void acknowledgedFailsWhenDeduplicationDropsACommandItNeverApplied() {
    ExactlyOnceChecker c = new ExactlyOnceChecker(() -> (command, slot, machine) -> null);
    c.onStart(1, List.of());
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    c.onAcknowledged(CommandKey.of(cmd(1, "a")), 1, 1);
    assertViolation(InvariantViolation.ACKNOWLEDGED_LOST, c::checkAcknowledged);
  }

  @Test
  void handedBackFailsWhenACommandToldNotProposedIsAppliedBeforeOrAfter() {
    ExactlyOnceChecker c = exactlyOnce();
    c.onStart(1, List.of());
    c.onHandedBack(cmd(1, "a"));
    assertViolation(
        InvariantViolation.HANDED_BACK_APPLIED, () -> c.onDeliver(1, 1, batch(cmd(1, "a"))));

    ExactlyOnceChecker d = exactlyOnce();
    d.onStart(1, List.of());
    d.onDeliver(1, 1, batch(cmd(2, "b")));
    assertViolation(InvariantViolation.HANDED_BACK_APPLIED, () -> d.onHandedBack(cmd(2, "b")))
        .hasMessageContaining("learner 1 applied it");
  }

  @Test
  void handedBackPassesForASessionCommandItsClientRetries() {
    ExactlyOnceChecker c = exactlyOnce();
    c.onStart(1, List.of());
    Command session = new Command(1, 9, 1, 1, new byte[] {1});
    c.onHandedBack(session);
    assertThatCode(() -> c.onDeliver(1, 1, batch(session))).doesNotThrowAnyException();
    assertThatCode(() -> c.onHandedBack(cmd(3, "c"))).doesNotThrowAnyException();
  }

  @Test
  void replicasFailWhenAStateMachineIsNotDeterministic() {
    int[] instances = {0};
    ReplicaChecker c =
        new ReplicaChecker(
            () -> {
              int salt = instances[0]++;
              return new KvStateMachine() {
                @Override
                public byte[] apply(byte[] command) {
                  return super.apply(new byte[] {command[0], (byte) salt});
                }
              };
            });
    c.onStart(1, List.of());
    c.onStart(2, List.of());
    // Checked after every slot against a reference instance; the diagnosis names the cause.
    assertViolation(InvariantViolation.NONDETERMINISM, () -> c.onDeliver(1, 1, batch(cmd(1, "a"))));
  }

  @Test
  void replicasPassWhenTheyApplyTheSamePrefix() {
    ReplicaChecker c = new ReplicaChecker(KvStateMachine::new);
    c.onStart(1, List.of());
    c.onStart(2, List.of(batch(cmd(1, "a"))));
    c.onDeliver(1, 1, batch(cmd(1, "a")));
    assertThatCode(c::checkConverged).doesNotThrowAnyException();
  }

  @Test
  void compactionFailsWhenAnAcceptorForgetsASlotNotChosenOrNotCoveredBySnapshot() {
    CompactionChecker c = new CompactionChecker(ClusterConfig.of("t", 1, 2, 3));
    c.check(1, 10, node -> node == 1 ? 10 : 0, 12);
    c.check(1, 0, node -> 0, 0);
    assertViolation(InvariantViolation.COMPACTION, () -> c.check(1, 13, node -> 13, 12));
    assertViolation(
        InvariantViolation.COMPACTION,
        () -> c.check(1, 11, node -> node == 1 ? 10 : 20, 12)); // its own snapshot counts
    assertThat(c.withoutLearnerCompactedThrough()).isZero();
  }

  @Test
  void compactionWithoutALearnerFailsUnlessAMajorityOfLearnersSnapshotted() {
    // Acceptors 1-2 without a learner; learners 3, 4, 5 (a majority is 2 of them).
    ClusterConfig split =
        ClusterConfig.withMajorities(
            "t",
            List.of(
                Member.of(1, Role.ACCEPTOR),
                Member.of(2, Role.ACCEPTOR, Role.PROPOSER),
                Member.of(3, Role.LEARNER),
                Member.of(4, Role.LEARNER, Role.PROPOSER),
                Member.of(5, Role.LEARNER)));
    CompactionChecker c = new CompactionChecker(split);
    long[] snapshots = {0, 0, 0, 30, 20, 10};
    c.check(1, 20, node -> snapshots[node], 40);
    assertThat(c.withoutLearnerCompactedThrough()).isEqualTo(20);
    assertViolation(
        InvariantViolation.COMPACTION,
        () -> c.check(2, 21, node -> snapshots[node], 40)); // only learner 3 covers 21
    assertViolation(
        InvariantViolation.COMPACTION,
        () -> c.check(2, 20, node -> snapshots[node], 19)); // 20 is not known chosen
    assertThat(c.withoutLearnerCompactedThrough()).isEqualTo(20);
  }
}
