package io.paxos.core.sim;

import io.paxos.core.config.ProtocolOptions;
import java.util.SplittableRandom;

/**
 * {@link SimOptions#randomized}: options whose protocol tuning, fault rates and fault episodes are
 * drawn from the seed. The draws are in a fixed order: a seed's run stays what it was.
 */
final class RandomizedOptions {
  private RandomizedOptions() {}

  static SimOptions draw(long seed, Topology topology) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x5DEECE66DL);
    ProtocolOptions protocol = ProtocolOptions.defaults();
    if (r.nextBoolean()) {
      protocol = protocol.withTimings(20, 100, 200, 60);
    }
    protocol = protocol.withWindow(pick(r, 2, 8, 64, 256));
    protocol = protocol.withMaxBatchCommands(pick(r, 1, 3, 64));
    protocol = protocol.withAcceptedToLearners(topology.acceptedToLearners());
    Faults faults;
    StorageCrash storageCrash =
        r.nextInt(4) == 0 ? StorageCrash.LOSE_UNSYNCED : StorageCrash.KEEP_PREFIX;
    int profile = r.nextInt(10);
    if (profile == 0) {
      faults = new Faults(0, 0, 1, pick(r, 1, 5, 20), 0, 0, 0, 0, 1, storageCrash);
    } else if (profile <= 2) {
      faults =
          new Faults(
              r.nextDouble() * 0.3,
              r.nextDouble() * 0.2,
              1,
              pick(r, 50, 150, 400),
              r.nextInt(9),
              r.nextInt(9),
              0.5,
              0.3,
              1000,
              storageCrash);
    } else {
      faults =
          new Faults(
              r.nextDouble() * 0.15,
              r.nextDouble() * 0.08,
              1,
              pick(r, 3, 10, 30, 80),
              r.nextInt(5),
              r.nextInt(5),
              0.3,
              0.3,
              1500,
              storageCrash);
    }
    SimOptions.Builder b =
        SimOptions.builder(seed, topology.cluster())
            .label(topology.label())
            .protocol(protocol)
            .faults(faults)
            .workloadMs(2000 + r.nextInt(2001));
    // Drawn last, so the other choices of a seed stay what they were before snapshots existed.
    if (r.nextInt(3) == 0) {
      b.snapshotInterval(pick(r, 2, 7, 30));
      b.protocol(protocol.withRetainedSlots(pick(r, 1, 4, 32)));
    }
    return b.build();
  }

  private static int pick(SplittableRandom r, int... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
