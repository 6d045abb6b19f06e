package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The read checks of {@link KvLinearizabilityTest} can fail: each mutant breaks one rule of serving
 * reads, and the seeds of that test must catch it, by the invariant that guards the rule.
 */
class KvMutantTest {
  /**
   * The seeds' faults with more pauses: a deposed leader that has not noticed yet is what exposes
   * the first mutant, and with perfect simulated clocks only a pause makes one (see
   * docs/linearizability.md, "Pauses").
   */
  static final UnaryOperator<Faults> PAUSE_HEAVY = f -> f.withPauses(f.pauses() + 6);

  @Test
  void leaderThatServesLinearizableReadsWithoutConfirmingItLeadsIsCaught() {
    assertCaught(
        "a leader that answers a read index without a quorum round",
        InvariantViolation.LINEARIZABILITY,
        b ->
            b.faults(PAUSE_HEAVY.apply(b.build().faults()))
                .roles(DelegatingProposer.wrapping(UnconfirmedReadProposer::new)));
  }

  @Test
  void nodeThatAnswersASessionReadBeforeApplyingTheClientsSlotIsCaught() {
    assertCaught(
        "a node that serves a SEQUENTIAL read before applying the client's session slot",
        InvariantViolation.SESSION_READ,
        b -> b.servesSessionReadsEarly(true));
  }

  /** Caught by {@code expected} within the seeds {@link KvLinearizabilityTest} runs. */
  private static void assertCaught(
      String mutant, String expected, UnaryOperator<SimOptions.Builder> mutation) {
    int seeds = Integer.getInteger("paxos.sim.kvSeeds", 1000);
    for (long seed = 1; seed <= seeds; seed++) {
      SimOptions options = mutation.apply(KvLinearizabilityTest.options(seed).toBuilder()).build();
      try {
        Simulation.run(options);
      } catch (SimulationFailure f) {
        if (f.invariant().equals(expected)) {
          System.out.printf(
              "%s: caught at seed %d (%s) by %s%n%s%n",
              mutant, seed, f.label(), f.invariant(), f.getMessage());
          assertThat(f.getMessage()).contains("seed " + seed);
          return;
        }
      }
    }
    fail(mutant + " survived " + seeds + " seeds: the read checks cannot see it");
  }
}
