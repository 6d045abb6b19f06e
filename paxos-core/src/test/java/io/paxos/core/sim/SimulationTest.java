package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Runs the deterministic simulator over many seeds, spread over every {@link Topology}, with the
 * safety invariants checked after every step and liveness after the faults heal.
 *
 * <ul>
 *   <li>{@code -Dpaxos.sim.seeds=N}: how many seeds (default 500; seeds 1..N, or from {@code
 *       -Dpaxos.sim.firstSeed=F} on).
 *   <li>{@code -Dpaxos.sim.seed=S}: run only seed S (the replay of a failure), with {@code
 *       -Dpaxos.sim.config=LABEL} for its topology (by default the one seed S gets in the full
 *       run).
 *   <li>{@code -Dpaxos.sim.trace=true}: print every simulated event (use with one seed).
 * </ul>
 */
class SimulationTest {
  static final Topology[] ROTATION = Topology.values();

  static Topology topologyFor(long seed) {
    return ROTATION[(int) Math.floorMod(seed, (long) ROTATION.length)];
  }

  static SimOptions options(long seed, Topology topology) {
    SimOptions.Builder b =
        SimOptions.randomized(seed, topology).toBuilder().stateMachine(KvStateMachine::new);
    if (Boolean.getBoolean("paxos.sim.trace")) {
      b.trace(System.out::println);
    }
    return b.build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=SimulationTest -Dpaxos.sim.seed="
        + seed
        + " -Dpaxos.sim.config="
        + label;
  }

  @Test
  void everyInvariantHoldsOnEverySeed() {
    String config = System.getProperty("paxos.sim.config", "");
    SeedSweep sweep =
        new SeedSweep()
            .run(
                SeedSweep.seeds("paxos.sim.seeds", 500),
                seed ->
                    options(seed, config.isBlank() ? topologyFor(seed) : Topology.byLabel(config)),
                SimulationTest::replayCommand);
    sweep.print("SimulationTest");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    assertThat(sweep.sessionRetries).as("the seeds exercise session retries").isPositive();
    if (sweep.seeds >= 100) {
      assertThat(sweep.snapshots).as("the seeds exercise snapshots").isPositive();
      assertThat(sweep.installs).as("the seeds exercise snapshot installs").isPositive();
      if (config.isBlank()) {
        assertThat(sweep.compactingWithoutLearner)
            .as("acceptors on nodes without a learner compact in some seeds")
            .isPositive();
      }
    }
  }

  @Test
  void acceptorsWithoutALearnerCompactInLongRuns() {
    // Role-split clusters under the seeds' faults: the acceptors (no learner) must not keep their
    // accepted entries forever; they compact through what a majority of the learners snapshotted.
    for (Topology topology :
        new Topology[] {Topology.SPLIT, Topology.SPLIT_TO_LEARNERS, Topology.MIXED}) {
      for (long seed = 1; seed <= 10; seed++) {
        SimResult r =
            Simulation.run(
                options(seed, topology).toBuilder().snapshotInterval(5).commands(400).build());
        assertThat(r.compactedWithoutLearner())
            .as("seed %d (%s): %d slots chosen", seed, topology.label(), r.slots())
            .isGreaterThan(r.slots() / 2);
      }
    }
  }

  @Test
  void aSeedReplaysExactly() {
    for (Topology topology : Topology.values()) {
      SimOptions options = options(7, topology);
      assertThat(Simulation.run(options)).isEqualTo(Simulation.run(options));
    }
    assertThat(Simulation.run(options(7, Topology.FIVE)))
        .isNotEqualTo(Simulation.run(options(8, Topology.FIVE)));
  }
}
