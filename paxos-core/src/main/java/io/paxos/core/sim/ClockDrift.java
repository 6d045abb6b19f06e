package io.paxos.core.sim;

import java.util.List;
import java.util.SplittableRandom;

/**
 * The nodes' clock rates within {@link SimOptions#clockDrift}, drawn from a generator of their own
 * (so runs without drift draw what they drew before clocks could drift). Clocks drift against
 * leases, within the bound: mostly a leader's clock runs slowest and the others' fastest (so a
 * leader's lease lasts longest in true time, and the acceptors' promises shortest), but at one tick
 * in 16 a node's clock takes a random rate within the drift.
 */
final class ClockDrift {
  private final double drift;
  private final SplittableRandom clocks;

  ClockDrift(SimOptions options) {
    this.drift = options.clockDrift();
    this.clocks = new SplittableRandom(options.seed() ^ 0x0C10C4L);
  }

  /** Give each node a clock rate within the drift. */
  void start(List<SimNode> all) {
    if (drift > 0) {
      for (SimNode n : all) {
        n.clockRate(0, rate());
      }
    }
  }

  /** A rate within the drift: half the time at one end or the other, else anywhere between. */
  private double rate() {
    double d = drift;
    int kind = clocks.nextInt(4);
    return kind == 0 ? 1 - d : kind == 1 ? 1 + d : 1 - d + 2 * d * clocks.nextDouble();
  }

  /** At a tick of {@code n}: maybe change its clock's rate (see the class comment). */
  void maybeChange(SimNode n, long now) {
    double d = drift;
    if (d == 0) {
      return;
    }
    if (clocks.nextInt(16) == 0) {
      n.clockRate(now, rate());
    } else if (clocks.nextInt(4) == 0) {
      n.clockRate(now, n.isLeader() ? 1 - d : 1 + d);
    }
  }
}
