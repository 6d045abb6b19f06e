package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Crashes at random points over thousands of short seeds: many crashes per run, most of them in the
 * middle of a group commit with a random prefix of its writes surviving ({@link
 * StorageCrash#KEEP_PREFIX}), the rest between steps or halfway through sending. Every safety
 * invariant is checked after every step, and once the faults heal, every request completes and no
 * acknowledged command is lost ({@link ExactlyOnceChecker#checkAcknowledged}).
 *
 * <ul>
 *   <li>{@code -Dpaxos.sim.crashSeeds=N}: how many seeds (default 2000; seeds 1..N, or from {@code
 *       -Dpaxos.sim.firstSeed=F} on).
 *   <li>{@code -Dpaxos.sim.seed=S}: run only seed S (the replay of a failure).
 *   <li>{@code -Dpaxos.sim.trace=true}: print every simulated event (use with one seed).
 * </ul>
 */
class CrashSweepTest {

  /**
   * The options of {@code seed}: the protocol tuning and topology of {@link SimulationTest}, with a
   * small workload under crash-heavy faults drawn from the seed.
   */
  static SimOptions options(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0xC4A5L);
    Faults faults =
        new Faults(
            r.nextDouble() * 0.05,
            r.nextDouble() * 0.05,
            1,
            1 + r.nextInt(20),
            r.nextInt(2),
            4 + r.nextInt(9),
            0.2,
            0.6,
            400,
            r.nextInt(8) == 0 ? StorageCrash.LOSE_UNSYNCED : StorageCrash.KEEP_PREFIX);
    return SimulationTest.options(seed, SimulationTest.topologyFor(seed)).toBuilder()
        .faults(faults)
        .commands(20 + r.nextInt(31))
        .workloadMs(600 + r.nextInt(601))
        .clientTimeoutMs(1000)
        .build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=CrashSweepTest -Dpaxos.sim.seed=" + seed;
  }

  @Test
  void crashesAtRandomPointsLoseNoAcknowledgedCommand() {
    List<Long> seeds = SeedSweep.seeds("paxos.sim.crashSeeds", 2000);
    SeedSweep sweep =
        new SeedSweep().run(seeds, CrashSweepTest::options, CrashSweepTest::replayCommand);
    sweep.print("CrashSweepTest");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    if (seeds.size() >= 100) {
      assertThat(sweep.midSyncCrashes)
          .as("most seeds crash a node in the middle of a group commit")
          .isGreaterThan(seeds.size());
      assertThat(sweep.survivingWrites).as("some unsynced writes survive crashes").isPositive();
      assertThat(sweep.lostWrites).as("some unsynced writes are lost").isPositive();
    }
  }
}
