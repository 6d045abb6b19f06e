package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Key-value clients on the simulator, under every fault it has, over many seeds: puts, deletes,
 * compare-and-sets and reads at every consistency level ({@link KvWorkload}). Each seed's writes
 * and linearizable reads must be linearizable ({@link SimHistories}), each SEQUENTIAL read must
 * return a value of its key at or after the client's session slot and each STALE read one of some
 * chosen prefix, besides every invariant of {@link SimulationTest}.
 *
 * <ul>
 *   <li>{@code -Dpaxos.sim.kvSeeds=N}: how many seeds (default 1000; seeds 1..N, or from {@code
 *       -Dpaxos.sim.firstSeed=F} on). The soak run of docs/linearizability.md uses 100,000.
 *   <li>{@code -Dpaxos.sim.seed=S}: run only seed S (the replay of a failure).
 *   <li>{@code -Dpaxos.sim.trace=true}: print every simulated event (use with one seed).
 * </ul>
 */
class KvLinearizabilityTest {

  /**
   * The options of {@code seed}: the topology, protocol tuning and faults of {@link
   * SimulationTest}, with 1 to 3 pauses and in a third of the seeds a wipe, in a third leader
   * leases with drifting clocks, a small byte workload, and 2 to 5 key-value clients making 40 to
   * 99 operations.
   */
  static SimOptions options(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x4B56L);
    SimOptions base = SimulationTest.options(seed, SimulationTest.topologyFor(seed));
    SimOptions.Builder b =
        base.toBuilder()
            .faults(base.faults().withWipes(r.nextInt(3) == 0 ? 1 : 0).withPauses(1 + r.nextInt(3)))
            .commands(5 + r.nextInt(20))
            .kv(2 + r.nextInt(4), 40 + r.nextInt(60))
            .historyCheck(SimHistories.checker(seed));
    if (r.nextInt(3) == 0) {
      // Leader leases, with clocks drifting within the bound, as in LeaseSweepTest.
      double drift = new double[] {0, 0.05, 0.2, 0.4}[r.nextInt(4)];
      long lease = 40 + r.nextInt(56); // below the minimum election timeout of 100 ms
      b.protocol(base.protocol().withTimings(20, 100, 200, 60).withLease(lease, drift))
          .clockDrift(drift);
    }
    return b.build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=KvLinearizabilityTest -Dpaxos.sim.seed=" + seed;
  }

  /** Run the seeds the system properties ask for; print the figures. */
  static SeedSweep sweep() {
    List<Long> seeds = SeedSweep.seeds("paxos.sim.kvSeeds", 1000);
    SeedSweep sweep =
        new SeedSweep()
            .run(seeds, KvLinearizabilityTest::options, KvLinearizabilityTest::replayCommand);
    sweep.print("KvLinearizabilityTest");
    return sweep;
  }

  @Test
  void everyHistoryIsLinearizableAndEverySessionReadFreshEnough() {
    SeedSweep sweep = sweep();
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    assertThat(sweep.kvHistories).isEqualTo(sweep.seeds);
    if (sweep.seeds >= 100) {
      assertThat(sweep.kvLinearizableReads).as("linearizable reads").isPositive();
      assertThat(sweep.kvLeaseReads).as("lease reads").isPositive();
      assertThat(sweep.kvSequentialReads).as("sequential reads").isPositive();
      assertThat(sweep.kvStaleReads).as("stale reads").isPositive();
      assertThat(sweep.kvFailed).as("cas whose comparison did not hold").isPositive();
      assertThat(sweep.kvUnknown).as("operations of unknown outcome").isPositive();
      assertThat(sweep.crashes).as("crashes").isPositive();
      assertThat(sweep.wipes).as("wipes").isPositive();
      assertThat(sweep.partitions).as("partitions").isPositive();
      assertThat(sweep.pauses).as("pauses").isPositive();
    }
  }

  /** The soak run: {@code -Dpaxos.sim.kvSeeds=N -Dpaxos.sim.firstSeed=F} without JUnit. */
  public static void main(String[] args) {
    SeedSweep sweep = sweep();
    for (String f : sweep.failures) {
      System.out.println(f);
    }
    System.exit(sweep.failures.isEmpty() ? 0 : 1);
  }
}
