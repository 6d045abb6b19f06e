package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ProtocolOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Liveness of each command, not only of each request. {@link SimulationTest}'s clients time out and
 * replace a command that gets no outcome, which hides a command the protocol holds with no path to
 * an outcome. Here the network loses nothing and no node crashes, so the only faults are leader
 * changes (elections under delays of the order of the election timeout), and no command is ever
 * lost: the protocol must answer each one (deliver it, or hand it back as not proposed) without the
 * client's help. Clients never time out, so a stuck command leaves its request incomplete and fails
 * the liveness check. This caught commands that a deposed leader had put in slots which the next
 * leader chose with other values (in about 4 seeds in 10).
 *
 * <p>{@code -Dpaxos.sim.leaderChangeSeeds=N} sets how many seeds (default 100); {@code
 * -Dpaxos.sim.seed=S} replays one, {@code -Dpaxos.sim.trace=true} prints its events.
 */
class LeaderChangeLivenessTest {

  static SimOptions options(long seed, Topology topology) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x1EADL);
    int[] windows = {2, 8, 64, 256};
    int[] batches = {1, 1, 3, 64};
    int[] delays = {20, 60, 120, 200};
    ProtocolOptions protocol =
        ProtocolOptions.defaults()
            .withTimings(20, 100, 200, 60)
            .withWindow(windows[r.nextInt(windows.length)])
            .withMaxBatchCommands(batches[r.nextInt(batches.length)])
            .withAcceptedToLearners(topology.acceptedToLearners());
    Faults lossless =
        new Faults(
            0, 0, 1, delays[r.nextInt(delays.length)], 0, 0, 0, 0, 1, StorageCrash.KEEP_PREFIX);
    SimOptions.Builder b =
        SimOptions.builder(seed, topology.cluster())
            .label(topology.label())
            .protocol(protocol)
            .faults(lossless)
            .commands(300)
            .workloadMs(1000 + r.nextInt(2000))
            .clientTimeoutMs(Long.MAX_VALUE / 4)
            .livenessBoundMs(20_000)
            .stateMachine(KvStateMachine::new);
    if (Boolean.getBoolean("paxos.sim.trace")) {
      b.trace(System.out::println);
    }
    return b.build();
  }

  @Test
  void everyCommandGetsAnOutcomeAcrossLeaderChanges() {
    SeedSweep sweep =
        new SeedSweep()
            .run(
                SeedSweep.seeds("paxos.sim.leaderChangeSeeds", 100),
                seed -> options(seed, SimulationTest.topologyFor(seed)),
                (seed, label) ->
                    "./mvnw -pl paxos-core test -Dtest=LeaderChangeLivenessTest -Dpaxos.sim.seed="
                        + seed);
    sweep.print("LeaderChangeLivenessTest");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    assertThat(sweep.leaderships).as("the seeds change leaders").isGreaterThan(sweep.seeds);
  }
}
