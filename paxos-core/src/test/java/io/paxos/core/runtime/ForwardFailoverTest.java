package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.Consistency;
import io.paxos.core.NotLeaderException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
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

  /**
   * The result of {@code first}; if it failed with {@link NotLeaderException}, or with its outcome
   * unknown, of {@code again}. Two followers may both campaign once the leader is gone: a node that
   * led for a moment refuses what it had queued when it steps down, and hands back as outcome
   * unknown the session commands it had proposed (a slot its successor may never learn of); the
   * caller sends it again (the same session command, applied once), as a client would.
   */
  private static byte[] getUnlessDeposed(
      CompletableFuture<byte[]> first, Callable<CompletableFuture<byte[]>> again) throws Exception {
    CompletableFuture<byte[]> attempt = first;
    for (int i = 0; ; i++) {
      try {
        return attempt.get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        boolean retry =
            e.getCause() instanceof NotLeaderException
                || e.getCause() instanceof CommandTimeoutException;
        if (!retry || i == 10) {
          throw e;
        }
        attempt = again.call();
      }
    }
  }

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
      PaxosNode at = c.nodes.get(follower);
      Callable<CompletableFuture<byte[]>> write =
          () -> at.submit(session, 2, 1, RecordingStateMachine.command(101));
      Callable<CompletableFuture<byte[]>> read =
          () -> at.read(new byte[0], Consistency.LINEARIZABLE);
      CompletableFuture<byte[]> written = write.call();
      CompletableFuture<byte[]> readBack = read.call();

      // Without forwarding that follows the leader, these wait for the command timeout.
      assertThat(RecordingStateMachine.count(getUnlessDeposed(written, write))).isEqualTo(1);
      assertThat(getUnlessDeposed(readBack, read)).isNotNull();
      await().atMost(Duration.ofSeconds(30)).until(() -> c.machines.get(follower).size() == 2);
      assertThat(c.machines.get(follower).applied()).containsExactly(100L, 101L);
    }
  }
}
