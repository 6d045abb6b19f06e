package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import org.junit.jupiter.api.Test;

/**
 * Leader priority under the simulator's faults (docs/leader-priority.md): every safety invariant
 * holds, and once the network has been calm for a while a proposer of the highest live priority
 * leads ({@link PriorityChecker}), over seeds spread across every {@link PriorityTopology}.
 *
 * <ul>
 *   <li>{@code -Dpaxos.sim.prioritySeeds=N}: how many seeds (default 300).
 *   <li>{@code -Dpaxos.sim.seed=S} with {@code -Dpaxos.sim.config=LABEL}: replay one seed.
 * </ul>
 */
class PrioritySimulationTest {
  static final PriorityTopology[] ROTATION = PriorityTopology.values();

  static PriorityTopology topologyFor(long seed) {
    return ROTATION[(int) Math.floorMod(seed, (long) ROTATION.length)];
  }

  static PriorityTopology byLabel(String label) {
    for (PriorityTopology t : ROTATION) {
      if (t.label().equals(label)) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown priority topology " + label);
  }

  /** Hand-overs seen by {@link CountingProposer}s (the sweep runs on one thread). */
  private static long handOvers;

  static SimOptions options(long seed, PriorityTopology topology) {
    SimOptions.Builder b =
        topology.randomized(seed).toBuilder()
            .stateMachine(KvStateMachine::new)
            .roles(DelegatingProposer.wrapping((id, p) -> new CountingProposer(p)));
    if (Boolean.getBoolean("paxos.sim.trace")) {
      b.trace(System.out::println);
    }
    return b.build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=PrioritySimulationTest#highestPriorityLeadsOnceCalm"
        + " -Dpaxos.sim.seed="
        + seed
        + " -Dpaxos.sim.config="
        + label;
  }

  @Test
  void highestPriorityLeadsOnceCalm() {
    String config = System.getProperty("paxos.sim.config", "");
    SeedSweep sweep =
        new SeedSweep()
            .run(
                SeedSweep.seeds("paxos.sim.prioritySeeds", 300),
                seed -> options(seed, config.isBlank() ? topologyFor(seed) : byLabel(config)),
                PrioritySimulationTest::replayCommand);
    sweep.print("PrioritySimulationTest");
    System.out.printf("PrioritySimulationTest: %d hand-overs%n", handOvers);
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    if (sweep.seeds >= 100) {
      assertThat(handOvers).as("the seeds exercise hand-overs").isPositive();
    }
  }

  /** The library's proposer, counting the claims that made it hand leadership over. */
  private static final class CountingProposer extends DelegatingProposer {
    private final io.paxos.core.protocol.Proposer delegate;

    CountingProposer(io.paxos.core.protocol.Proposer delegate) {
      super(delegate);
      this.delegate = delegate;
    }

    @Override
    public void onPriorityClaim(Message.PriorityClaim claim, long now, Outbox out) {
      boolean led = delegate.isLeader();
      delegate.onPriorityClaim(claim, now, out);
      if (led && delegate.handedOver()) {
        handOvers++;
      }
    }
  }

  /** A leader that ignores every claim of a higher-priority proposer: it never hands over. */
  private static final class StubbornProposer extends DelegatingProposer {
    StubbornProposer(io.paxos.core.protocol.Proposer delegate) {
      super(delegate);
    }

    @Override
    public void onPriorityClaim(Message.PriorityClaim claim, long now, Outbox out) {}
  }

  @Test
  void aLeaderThatNeverHandsOverIsCaught() {
    int caught = 0;
    long first = 0;
    for (long seed = 1; seed <= 40; seed++) {
      SimOptions options =
          options(seed, topologyFor(seed)).toBuilder()
              .roles(DelegatingProposer.wrapping((id, p) -> new StubbornProposer(p)))
              .build();
      try {
        Simulation.run(options);
      } catch (SimulationFailure f) {
        assertThat(f.invariant()).as(f.getMessage()).isEqualTo(InvariantViolation.LEADER_PRIORITY);
        caught++;
        first = first == 0 ? seed : first;
      }
    }
    System.out.printf(
        "a leader that never hands over: caught in %d of 40 seeds, first %d%n", caught, first);
    assertThat(caught).as("seeds in which the stubborn leader is caught").isPositive();
  }
}
