package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The simulator with the membership changing several times a run (docs/membership.md): a five-node
 * pool where the leader moves the cluster to random memberships of 3 to 5 of the nodes with random
 * intersecting quorums, under message loss, duplication, delays, partitions, crashes (also between
 * a write and its sync) and pauses. Removed nodes keep running as zombies of their ended epoch, and
 * may be added back. Every checker of the simulator runs, with {@link ChosenChecker} counting votes
 * against each ballot's own epoch and checking every delivery against the value chosen in the
 * slot's epoch, and liveness requires every learner of the final membership to catch up.
 *
 * <p>Snapshots run at the randomized intervals of the other sweeps: a node that restarts from its
 * snapshot, or installs a peer's, starts in the membership the snapshot carries (with it ignored,
 * four of 300 seeds fail). Wipes stay off: a wiped node rejoins as a learner only, and a membership
 * that needs its vote would wait for an operator (docs/wiped-disks.md).
 *
 * <p>{@code -Dpaxos.sim.seeds=N} (default 200), {@code -Dpaxos.sim.seed=S} for one seed.
 */
class MembershipSimulationTest {

  static SimOptions options(long seed) {
    SimOptions base = SimOptions.randomized(seed, Topology.FIVE);
    SimOptions.Builder b =
        base.toBuilder()
            .label("membership")
            .faults(base.faults().withWipes(0))
            .membershipChanges(4)
            .stateMachine(KvStateMachine::new);
    if (Boolean.getBoolean("paxos.sim.trace")) {
      b.trace(System.out::println);
    }
    return b.build();
  }

  /** As {@link #options}, with nodes 4 and 5 outside the initial membership, joining it. */
  static SimOptions withJoiners(long seed) {
    return options(seed).toBuilder().label("membership-joiners").joiners(2).build();
  }

  /**
   * As {@link #withJoiners}, with 2 to 5 key-value clients whose history (puts, deletes,
   * compare-and-set, reads at every consistency) must be linearizable across the changes.
   */
  static SimOptions withKeyValueClients(long seed) {
    SplittableRandom r = new SplittableRandom(seed ^ 0x4B56L);
    return withJoiners(seed).toBuilder()
        .label("membership-kv")
        .kv(2 + r.nextInt(4), 40 + r.nextInt(60))
        .historyCheck(SimHistories.checker(seed))
        .build();
  }

  static String replayCommand(long seed, String label) {
    return "./mvnw -pl paxos-core test -Dtest=MembershipSimulationTest"
        + (label.endsWith("joiners")
            ? "#nodesJoinARunningCluster"
            : label.endsWith("kv") ? "#clientHistoriesStayLinearizable" : "")
        + " -Dpaxos.sim.seed="
        + seed;
  }

  /** Run the sweep of {@code options}, and check it is green and changes the membership. */
  private static void sweep(String name, java.util.function.LongFunction<SimOptions> options) {
    SeedSweep sweep =
        new SeedSweep()
            .run(
                SeedSweep.seeds("paxos.sim.seeds", 200),
                options,
                MembershipSimulationTest::replayCommand);
    sweep.print(name);
    System.out.println(name + ": " + sweep.membershipChanges + " changes took effect");
    assertThat(sweep.failures).as("failing seeds, each with its replay command").isEmpty();
    if (sweep.seeds >= 50) {
      assertThat(sweep.membershipChanges)
          .as("the seeds change the membership, most of them more than once")
          .isGreaterThan(sweep.seeds);
      assertThat(sweep.installs)
          .as("nodes install peers' snapshots, which must carry the membership")
          .isPositive();
    }
  }

  @Test
  void everyInvariantHoldsWhileTheMembershipChanges() {
    sweep("MembershipSimulationTest", MembershipSimulationTest::options);
  }

  @Test
  void nodesJoinARunningCluster() {
    sweep("MembershipSimulationTest, joiners", MembershipSimulationTest::withJoiners);
  }

  @Test
  void clientHistoriesStayLinearizable() {
    sweep("MembershipSimulationTest, key-value", MembershipSimulationTest::withKeyValueClients);
  }
}
