package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A follower's session command and linearizable read, forwarded to a leader that crashes before it
 * answers, are sent again to the next leader: they complete once it is elected, not at the node's
 * command timeout (here far longer than the test waits).
 */
class ForwardFailoverTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);

  @Test
  void forwardedCommandAndReadFollowTheNewLeader() throws Exception {
    try (LocalCluster c =
        new LocalCluster(ClusterConfig.of("f", 1, 2, 3), FAST, Duration.ofMinutes(10))) {
      int leader = c.awaitAgreedLeader().id();
      int follower = leader == 1 ? 2 : 1;
      long session = 0xF0A1L;
      c.nodes
          .get(follower)
          .submit(session, 1, 1, RecordingStateMachine.command(100))
          .get(30, TimeUnit.SECONDS);

      c.close(leader); // crashed: what is forwarded to it now is lost
      CompletableFuture<byte[]> write =
          c.nodes.get(follower).submit(session, 2, 1, RecordingStateMachine.command(101));
      CompletableFuture<byte[]> read =
          c.nodes.get(follower).read(new byte[0], Consistency.LINEARIZABLE);

      assertThat(RecordingStateMachine.count(write.get(30, TimeUnit.SECONDS))).isEqualTo(1);
      assertThat(read.get(30, TimeUnit.SECONDS)).isNotNull();
      await().atMost(Duration.ofSeconds(30)).until(() -> c.machines.get(follower).size() == 2);
      assertThat(c.machines.get(follower).applied()).containsExactly(100L, 101L);
    }
  }
}
