package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Acceptor;
import io.paxos.core.protocol.DefaultAcceptor;
import io.paxos.core.protocol.DefaultProposer;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Proposer;
import io.paxos.core.protocol.RoleFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * A checker that cannot fail proves nothing (docs/architecture.md, "A check that cannot fail proves
 * nothing"): each mutant below breaks one Paxos rule, and the simulator must catch it with a safety
 * invariant within the default seeds.
 */
class MutantTest {

  @Test
  void acceptorThatAcceptsBelowItsPromiseIsCaught() {
    assertCaught(
        "an acceptor that accepts below its promise",
        new RoleFactory() {
          @Override
          public Acceptor acceptor(
              int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
            return new SloppyAcceptor(id, config, options.acceptedToLearners(), state);
          }
        });
  }

  @Test
  void proposerThatSkipsReproposingAcceptedValuesIsCaught() {
    assertCaught(
        "a proposer that does not re-propose accepted values",
        new RoleFactory() {
          @Override
          public Proposer proposer(
              int id,
              ClusterConfig config,
              ProtocolOptions options,
              RandomGenerator random,
              DurableState state) {
            return new ForgetfulProposer(new DefaultProposer(id, config, options, random, state));
          }
        });
  }

  @Test
  void proposerThatReusesItsLastRoundAfterARestartIsCaught() {
    assertCaught(
        "a proposer that restarts at its last round instead of above it (ballot reuse)",
        new RoleFactory() {
          @Override
          public Proposer proposer(
              int id,
              ClusterConfig config,
              ProtocolOptions options,
              RandomGenerator random,
              DurableState state) {
            DurableState forgotten =
                new DurableState(
                    state.promised(),
                    state.accepted(),
                    Math.max(0, state.maxRound() - 1),
                    state.chosen());
            return new DefaultProposer(id, config, options, random, forgotten);
          }
        });
  }

  @Test
  void proposerThatIgnoresCompactedSlotsInPromisesIsCaught() {
    assertCaught(
        "a proposer that fills slots compacted at the acceptors with no-ops",
        b ->
            b.snapshotInterval(2)
                .roles(DelegatingProposer.wrapping((id, p) -> new CompactionBlindProposer(p))));
  }

  @Test
  void acceptorWithoutALearnerThatCompactsOnTheFirstAnnouncementIsCaught() {
    assertCaught(
        "an acceptor without a learner that compacts on one learner's snapshot, not a majority's",
        InvariantViolation.COMPACTION,
        b ->
            b.snapshotInterval(3)
                .roles(hastyAcceptors(HastyCompactingAcceptor.Flavour.FIRST_ANNOUNCEMENT)));
  }

  @Test
  void acceptorWithoutALearnerThatCompactsBeyondTheChosenSlotsIsCaught() {
    assertCaught(
        "an acceptor without a learner that compacts every slot it accepted on an announcement",
        InvariantViolation.COMPACTION,
        b ->
            b.snapshotInterval(3)
                .roles(hastyAcceptors(HastyCompactingAcceptor.Flavour.BEYOND_CHOSEN)));
  }

  private static RoleFactory hastyAcceptors(HastyCompactingAcceptor.Flavour flavour) {
    return new RoleFactory() {
      @Override
      public Acceptor acceptor(
          int id, ClusterConfig config, ProtocolOptions options, DurableState state) {
        return new HastyCompactingAcceptor(
            new DefaultAcceptor(id, config, options, state), flavour);
      }
    };
  }

  @Test
  void deduplicationThatAppliesEveryCopyOfASessionCommandIsCaught() {
    assertCaught(
        "a session table that applies a retried command again",
        b -> b.deduplication(() -> (command, slot, machine) -> machine.apply(command.payload())));
  }

  @Test
  void nodeThatSendsBeforeItsSyncIsCaught() {
    // docs/pitfalls.md #1. Invisible to crashes after a force: only a crash while writes are queued
    // or before their force returns, losing some of them after the votes left, shows it. The break
    // is in the storage thread (it reports writes done when queued); the carrier the runtime runs
    // then sends the votes early, and the checkers must see it.
    assertCaught(
        "a storage thread that reports writes done before their force, so votes leave first",
        b -> b.sendsBeforeSync(true));
  }

  @Test
  void wipedNodesThatVoteAgainLoseAChosenValue() {
    // A node that lost its disk and votes again under its old identity forgot its promises and
    // votes: a value accepted by a bare quorum including it can be chosen over by a new leader
    // whose phase 1 meets it and acceptors that never saw the value. (Its proposer, which forgot
    // its rounds, may also reuse a ballot: the ballot-uniqueness check catches that first on some
    // seeds; this test looks for the lost value itself.)
    assertWipedRejoinLosesAChosenValue(SimOptions.WipedRejoin.VOTER);
  }

  @Test
  void wipedNodesThatVoteAboveEveryOtherPromiseStillLoseAChosenValue() {
    // Raising the wiped acceptor's promise above every promise of the others (more than any
    // recovery could learn from a majority of them) keeps it from breaking a promise it forgot,
    // but not from reporting "nothing accepted" to the next leader's phase 1: a value it helped
    // choose is still lost. Hence learner-only (docs/wiped-disks.md).
    assertWipedRejoinLosesAChosenValue(SimOptions.WipedRejoin.VOTER_ABOVE_PROMISES);
  }

  private static void assertWipedRejoinLosesAChosenValue(SimOptions.WipedRejoin rejoin) {
    String mutant = "wiped nodes that rejoin as " + rejoin;
    int seeds = Integer.getInteger("paxos.sim.seeds", 500);
    for (long seed = 1; seed <= seeds; seed++) {
      SimOptions options = WipeSweepTest.options(seed).toBuilder().wipedRejoin(rejoin).build();
      try {
        Simulation.run(options);
      } catch (SimulationFailure f) {
        if (f.invariant().equals(InvariantViolation.CHOSEN)
            || f.invariant().equals(InvariantViolation.AGREEMENT)
            || f.invariant().equals(InvariantViolation.ACKNOWLEDGED_LOST)) {
          System.out.printf(
              "%s: caught at seed %d (%s) by %s%n", mutant, seed, f.label(), f.invariant());
          assertThat(f.getMessage()).contains("seed " + seed);
          return;
        }
      }
    }
    fail(mutant + " lost no chosen value in " + seeds + " seeds: the checkers cannot see it");
  }

  @Test
  void deduplicationThatDropsACommandBelowTheClientsHighestSequenceLosesAnAcknowledgedCommand() {
    // Dedup by "the highest sequence applied per client" assumes one command in flight per client;
    // a pipelining client's lower sequence chosen after a higher one is dropped, though its client
    // was told it succeeded. Only the acknowledged-command check sees it.
    assertCaught(
        "a session table that keeps only each client's highest applied sequence",
        InvariantViolation.ACKNOWLEDGED_LOST,
        b ->
            b.deduplication(
                () -> {
                  Map<Long, Long> highest = new HashMap<>();
                  return (command, slot, machine) -> {
                    if (command.inSession()) {
                      Long high = highest.get(command.clientId());
                      if (high != null && command.sequence() <= high) {
                        return null;
                      }
                      highest.put(command.clientId(), command.sequence());
                    }
                    return machine.apply(command.payload());
                  };
                }));
  }

  @Test
  void leaderThatIgnoresTheClockDriftBoundIsCaught() {
    // It holds its lease for the full lease duration on its own clock: a leader whose clock runs
    // slow then serves lease reads after the acceptors, on their faster clocks, ended their promise
    // and elected another leader that chose new values.
    assertLeaseMutantCaught(
        "a leader that holds its lease for the full duration, ignoring clock drift",
        new RoleFactory() {
          @Override
          public Proposer proposer(
              int id,
              ClusterConfig config,
              ProtocolOptions options,
              RandomGenerator random,
              DurableState state) {
            // Without the drift bound and the rounding margin, it holds the full duration.
            ProtocolOptions ignoringDrift = options.withLease(options.leaseDurationMs() + 3, 0);
            return new DefaultProposer(id, config, ignoringDrift, random, state);
          }
        });
  }

  @Test
  void leaderThatServesLeaseReadsAfterItsLeaseEndedIsCaught() {
    // A leader paused or cut off from its acceptors, judging its lease by the time it last heard
    // from them, serves reads while it still believes it leads, after another leader took over.
    assertLeaseMutantCaught(
        "a leader that judges its lease by the time of its last acknowledgement",
        DelegatingProposer.wrapping(FrozenClockProposer::new));
  }

  /** Caught as a stale read index within the default seeds, with leases on and clocks drifting. */
  private static void assertLeaseMutantCaught(String mutant, RoleFactory roles) {
    int seeds = Integer.getInteger("paxos.sim.seeds", 500);
    for (long seed = 1; seed <= seeds; seed++) {
      // Leader changes under many partitions, with clocks drifting up to the bound.
      SimOptions base = LeaseSweepTest.options(seed);
      SimOptions options =
          base.toBuilder()
              .protocol(base.protocol().withLease(95, 0.45))
              .clockDrift(0.45)
              .faults(new Faults(0.02, 0.01, 1, 5, 8, 0, 0, 0, 300, StorageCrash.KEEP_PREFIX))
              .commands(300)
              .leaseReads(600)
              .roles(roles)
              .build();
      try {
        Simulation.run(options);
      } catch (SimulationFailure f) {
        if (!f.invariant().equals(InvariantViolation.LIVENESS)) {
          System.out.printf(
              "%s: caught at seed %d (%s) by %s%n", mutant, seed, f.label(), f.invariant());
          assertThat(f.invariant())
              .as(f.getMessage())
              .isEqualTo(InvariantViolation.STALE_READ_INDEX);
          return;
        }
      }
    }
    fail(mutant + " survived " + seeds + " seeds: the read-index check cannot see it");
  }

  private static void assertCaught(String mutant, RoleFactory roles) {
    assertCaught(mutant, b -> b.roles(roles));
  }

  private static void assertCaught(String mutant, UnaryOperator<SimOptions.Builder> mutation) {
    assertCaught(mutant, null, mutation);
  }

  /** Caught by a safety invariant, {@code expected} if not null, within the default seeds. */
  private static void assertCaught(
      String mutant, String expected, UnaryOperator<SimOptions.Builder> mutation) {
    int seeds = Integer.getInteger("paxos.sim.seeds", 500);
    for (long seed = 1; seed <= seeds; seed++) {
      SimOptions options =
          mutation
              .apply(SimulationTest.options(seed, SimulationTest.topologyFor(seed)).toBuilder())
              .build();
      try {
        Simulation.run(options);
      } catch (SimulationFailure f) {
        if (!f.invariant().equals(InvariantViolation.LIVENESS)) {
          System.out.printf(
              "%s: caught at seed %d (%s) by %s%n", mutant, seed, f.label(), f.invariant());
          assertThat(f.getMessage()).contains("seed " + seed);
          if (expected != null) {
            assertThat(f.invariant()).as(f.getMessage()).isEqualTo(expected);
          }
          return;
        }
      }
    }
    fail(mutant + " survived " + seeds + " seeds: the safety checkers cannot see it");
  }
}
