package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ProtocolOptions;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Leader leases under faults with drifting clocks (docs/leases.md): every node's clock runs at its
 * own rate within the drift bound the protocol assumes, the workload makes lease reads (half of
 * them at a node that believes it leads, deposed ones included), and every read answered must cover
 * every value chosen before it was made.
 */
class LeaseSweepTest {

  /** A seed's options: leases on, clocks drifting within the bound, partitions and crashes. */
  static SimOptions options(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x1EA5EL);
    double drift = new double[] {0, 0.05, 0.2, 0.4}[r.nextInt(4)];
    long lease = 40 + r.nextInt(56); // below the minimum election timeout of 100 ms
    ProtocolOptions protocol =
        ProtocolOptions.defaults().withTimings(20, 100, 200, 60).withLease(lease, drift);
    Faults faults =
        new Faults(
            r.nextDouble() * 0.1,
            r.nextDouble() * 0.05,
            1,
            1 + r.nextInt(20),
            1 + r.nextInt(6),
            r.nextInt(4),
            0.2,
            0.2,
            400,
            r.nextInt(4) == 0 ? StorageCrash.LOSE_UNSYNCED : StorageCrash.KEEP_PREFIX);
    return SimulationTest.options(seed, SimulationTest.topologyFor(seed)).toBuilder()
        .protocol(protocol)
        .faults(faults)
        .clockDrift(drift)
        .commands(30 + r.nextInt(60))
        .leaseReads(100 + r.nextInt(200))
        .workloadMs(1000 + r.nextInt(1001))
        .clientTimeoutMs(1000)
        .build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=LeaseSweepTest -Dpaxos.sim.seed=" + seed;
  }

  @Test
  void leaseReadsNeverMissAChosenValueWhileClocksDriftWithinTheBound() {
    List<Long> seeds = SeedSweep.seeds("paxos.sim.leaseSeeds", 200);
    SeedSweep sweep =
        new SeedSweep().run(seeds, LeaseSweepTest::options, LeaseSweepTest::replayCommand);
    sweep.print("LeaseSweepTest");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    assertThat(sweep.readsChecked).as("reads were answered and checked").isPositive();
  }
}
