package io.paxos.core.readme;

// README:ledger-simulation:start
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.testing.StateMachineSimulation;
import org.junit.jupiter.api.Test;

class LedgerSimulationTest {
  @Test
  void theLedgerHoldsUpUnderTheSimulatorsFaults() {
    StateMachineSimulation.Summary summary =
        StateMachineSimulation.typed(Ledger.CODECS, Ledger::new)
            .commands(r -> r.nextInt(4) + " " + r.nextInt(4) + " " + r.nextInt(80))
            .queries(r -> Integer.toString(r.nextInt(4)))
            .invariant("the total is conserved", ledger -> ledger.total() == 400)
            .invariant("no balance is negative", Ledger::noneNegative)
            .seeds(50)
            .run(); // throws AssertionError naming the seed if a check fails
    assertThat(summary.seeds()).isEqualTo(50);
    assertThat(summary.snapshots()).as("snapshots restored and checked").isPositive();
  }
}
// README:ledger-simulation:end
