package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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
  private static final int MAX_REPORTED = 10;

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
    String only = System.getProperty("paxos.sim.seed");
    List<Long> seeds = new ArrayList<>();
    if (only != null && !only.isBlank()) {
      seeds.add(Long.parseLong(only.trim()));
    } else {
      int count = Integer.getInteger("paxos.sim.seeds", 500);
      long first = Long.getLong("paxos.sim.firstSeed", 1L);
      for (long s = first; s < first + count; s++) {
        seeds.add(s);
      }
    }
    String config = System.getProperty("paxos.sim.config", "");
    List<String> failures = new ArrayList<>();
    long steps = 0;
    long crashes = 0;
    long partitions = 0;
    long leaderships = 0;
    long dropped = 0;
    long replacements = 0;
    long sessionRetries = 0;
    long slowestHeal = 0;
    long snapshots = 0;
    long installs = 0;
    long started = System.nanoTime();
    for (long seed : seeds) {
      Topology topology = config.isBlank() ? topologyFor(seed) : Topology.byLabel(config);
      try {
        SimResult r = Simulation.run(options(seed, topology));
        steps += r.steps();
        crashes += r.crashes();
        partitions += r.partitions();
        leaderships += r.leaderships();
        dropped += r.dropped();
        replacements += r.replacements();
        sessionRetries += r.sessionRetries();
        snapshots += r.snapshots();
        installs += r.installs();
        slowestHeal = Math.max(slowestHeal, r.endTimeMs() - r.healedAtMs());
      } catch (SimulationFailure f) {
        failures.add(f.getMessage() + "\n  replay: " + replayCommand(f.seed(), f.label()) + "\n");
        if (failures.size() >= MAX_REPORTED) {
          break;
        }
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    System.out.printf(
        "simulated %d seeds (%d steps) in %.1f s: %.1f seeds/s%n",
        seeds.size(), steps, seconds, seeds.size() / seconds);
    System.out.printf(
        "  faults: %d crashes, %d partitions, %d messages dropped; %d leaderships; "
            + "%d commands replaced, %d session commands retried; at most %d simulated ms from"
            + " heal to all done%n",
        crashes, partitions, dropped, leaderships, replacements, sessionRetries, slowestHeal);
    System.out.printf("  snapshots: %d taken, %d installed from a peer%n", snapshots, installs);
    assertThat(sessionRetries).as("the seeds exercise session retries").isPositive();
    if (seeds.size() >= 100) {
      assertThat(snapshots).as("the seeds exercise snapshots").isPositive();
      assertThat(installs).as("the seeds exercise snapshot installs").isPositive();
    }
    assertThat(failures).as("failing seeds, each with its replay command").isEmpty();
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
