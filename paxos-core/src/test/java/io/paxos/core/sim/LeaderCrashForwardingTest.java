package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ProtocolOptions;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Leaders crash while followers forward to them. Commands are submitted at random nodes, so most
 * reach the leader through a follower's {@code Forward}; crashes fall on the leader half the time
 * (the simulator's choice of victim), several per seed, some short enough that the old leader is
 * back before the next one is elected. The network loses nothing else. A follower sends the session
 * commands it forwarded to a leader that crashed again to the next leader, or proposes them itself
 * when it wins: a command the crashed leader got chosen is then chosen twice, and every learner's
 * session table must apply it once ({@link ExactlyOnceChecker}), with every other invariant the
 * simulator checks. The clients' timeout is long (well beyond the elections), so the sweep also
 * reports how many session commands still had to be sent again by their clients.
 *
 * <p>{@code -Dpaxos.sim.leaderCrashSeeds=N} sets how many seeds (default 100); {@code
 * -Dpaxos.sim.seed=S} replays one, {@code -Dpaxos.sim.trace=true} prints its events.
 */
class LeaderCrashForwardingTest {

  static SimOptions options(long seed, Topology topology) {
    SplittableRandom r = new SplittableRandom(seed ^ 0xF0A7L);
    int[] windows = {2, 8, 64};
    int[] batches = {1, 3, 64};
    ProtocolOptions protocol =
        ProtocolOptions.defaults()
            .withTimings(20, 100, 200, 60)
            .withWindow(windows[r.nextInt(windows.length)])
            .withMaxBatchCommands(batches[r.nextInt(batches.length)])
            .withAcceptedToLearners(topology.acceptedToLearners());
    Faults crashes =
        new Faults(
            0,
            0,
            1,
            5 + r.nextInt(40),
            0,
            3 + r.nextInt(4),
            0.1,
            0.1,
            600,
            StorageCrash.KEEP_PREFIX);
    SimOptions.Builder b =
        SimOptions.builder(seed, topology.cluster())
            .label(topology.label())
            .protocol(protocol)
            .faults(crashes)
            .commands(300)
            .workloadMs(1000 + r.nextInt(2000))
            .clientTimeoutMs(5_000)
            .livenessBoundMs(30_000)
            .stateMachine(KvStateMachine::new);
    if (Boolean.getBoolean("paxos.sim.trace")) {
      b.trace(System.out::println);
    }
    return b.build();
  }

  @Test
  void forwardedCommandsFollowTheLeadershipAndApplyOnce() {
    SeedSweep sweep =
        new SeedSweep()
            .run(
                SeedSweep.seeds("paxos.sim.leaderCrashSeeds", 100),
                seed -> options(seed, SimulationTest.topologyFor(seed)),
                (seed, label) ->
                    "./mvnw -pl paxos-core test -Dtest=LeaderCrashForwardingTest -Dpaxos.sim.seed="
                        + seed);
    sweep.print("LeaderCrashForwardingTest");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    assertThat(sweep.crashes).as("the seeds crash nodes").isGreaterThan(2 * sweep.seeds);
    assertThat(sweep.leaderships).as("the seeds change leaders").isGreaterThan(sweep.seeds);
  }
}
