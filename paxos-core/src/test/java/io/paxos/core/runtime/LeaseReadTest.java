package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Consistency#LEASE} reads through the runtime, with leases on (docs/leases.md). */
class LeaseReadTest {
  private static final ProtocolOptions LEASED =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100).withLease(120, 0.1);

  private static byte[] get(CompletableFuture<byte[]> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  @Test
  void leaseReadsAtTheLeaderAndAtFollowersSeeEveryAcknowledgedWrite() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("test", 1, 2, 3), LEASED, Duration.ofSeconds(5))) {
      PaxosNode leader = c.awaitLeader();
      PaxosNode follower = c.live().stream().filter(n -> n != leader).findFirst().orElseThrow();
      for (int i = 0; i < 50; i++) {
        // Again while refused unproposed: on a loaded machine the leader may change meanwhile.
        int at = i % 3;
        byte[] command = RecordingStateMachine.command(i);
        c.submitUntilProposed(() -> c.live().get(at).submit(command));
        assertThat(
                RecordingStateMachine.count(
                    c.submitUntilProposed(() -> leader.read(new byte[0], Consistency.LEASE))))
            .isEqualTo(i + 1);
        assertThat(
                RecordingStateMachine.count(
                    c.submitUntilProposed(() -> follower.read(new byte[0], Consistency.LEASE))))
            .isEqualTo(i + 1);
      }
      // A figure for the docs, not an assertion: lease and linearizable reads at the leader.
      System.out.printf(
          "LeaseReadTest: median read at the leader: LEASE %.3f ms, LINEARIZABLE %.3f ms%n",
          medianMs(leader, Consistency.LEASE), medianMs(leader, Consistency.LINEARIZABLE));
    }
  }

  @Test
  void withLeasesOffALeaseReadIsALinearizableOne() throws Exception {
    try (LocalCluster c =
        new LocalCluster(
            ClusterConfig.of("test", 1, 2, 3),
            ProtocolOptions.defaults().withTimings(20, 150, 300, 100),
            Duration.ofSeconds(5))) {
      PaxosNode leader = c.awaitLeader();
      PaxosNode follower = c.live().stream().filter(n -> n != leader).findFirst().orElseThrow();
      get(leader.submit(RecordingStateMachine.command(1)));
      assertThat(RecordingStateMachine.count(get(follower.read(new byte[0], Consistency.LEASE))))
          .isEqualTo(1);
    }
  }

  private static double medianMs(PaxosNode node, Consistency consistency) throws Exception {
    long[] nanos = new long[200];
    for (int i = 0; i < nanos.length; i++) {
      long start = System.nanoTime();
      get(node.read(new byte[0], consistency));
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    return nanos[nanos.length / 2] / 1e6;
  }
}
