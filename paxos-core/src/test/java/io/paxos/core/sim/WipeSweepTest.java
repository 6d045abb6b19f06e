package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Wiped disks over many short seeds: nodes lose their whole storage and restart on an empty one,
 * among crashes, drops and partitions. A wiped node restarts as a learner only (its storage lacks
 * the bootstrap marker), so every safety invariant holds and, once the faults heal, every request
 * completes and no acknowledged command is lost. {@link MutantTest} shows the same faults losing
 * chosen values when wiped nodes vote again.
 *
 * <ul>
 *   <li>{@code -Dpaxos.sim.wipeSeeds=N}: how many seeds (default 300; seeds 1..N, or from {@code
 *       -Dpaxos.sim.firstSeed=F} on).
 *   <li>{@code -Dpaxos.sim.seed=S}: run only seed S (the replay of a failure).
 * </ul>
 */
class WipeSweepTest {

  /**
   * The options of {@code seed}: the protocol tuning and topology of {@link SimulationTest}, with a
   * small workload under drops, partitions, crashes and one to three wipes drawn from the seed.
   */
  static SimOptions options(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x3B1EL);
    Faults faults =
        new Faults(
            r.nextDouble() * 0.1,
            r.nextDouble() * 0.05,
            1,
            1 + r.nextInt(30),
            r.nextInt(4),
            r.nextInt(5),
            0.2,
            0.3,
            400,
            r.nextInt(4) == 0 ? StorageCrash.LOSE_UNSYNCED : StorageCrash.KEEP_PREFIX,
            1 + r.nextInt(3));
    SimOptions.Builder b =
        SimulationTest.options(seed, SimulationTest.topologyFor(seed)).toBuilder()
            .faults(faults)
            .commands(20 + r.nextInt(41))
            .workloadMs(600 + r.nextInt(901))
            .clientTimeoutMs(1000);
    if (r.nextInt(3) == 0) {
      b.snapshotInterval(2 + r.nextInt(10));
    }
    return b.build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=WipeSweepTest -Dpaxos.sim.seed=" + seed;
  }

  @Test
  void wipedNodesRejoinAsLearnersAndLoseNothing() {
    List<Long> seeds = SeedSweep.seeds("paxos.sim.wipeSeeds", 300);
    SeedSweep sweep =
        new SeedSweep().run(seeds, WipeSweepTest::options, WipeSweepTest::replayCommand);
    sweep.print("WipeSweepTest");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    if (seeds.size() >= 100) {
      assertThat(sweep.wipes).as("most seeds wipe a node").isGreaterThan(seeds.size() / 2);
    }
  }
}
