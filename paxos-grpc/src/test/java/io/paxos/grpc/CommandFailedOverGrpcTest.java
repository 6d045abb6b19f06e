package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.CommandFailedException;
import io.paxos.core.Consistency;
import io.paxos.core.StateMachine;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.client.PaxosClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Under {@link ApplyFailurePolicy#FAIL_COMMAND}, a command the state machine throws on reaches the
 * gRPC client as {@link CommandFailedException} with the exception's class and message, and the
 * cluster goes on.
 */
class CommandFailedOverGrpcTest {

  /** {@link LogStateMachine}, refusing negative ids before it changes anything. */
  static final class NoNegatives implements StateMachine {
    final LogStateMachine log = new LogStateMachine();

    @Override
    public byte[] apply(byte[] command) {
      long id = ByteBuffer.wrap(command).getLong();
      if (id < 0) {
        throw new IllegalStateException("negative id " + id);
      }
      return log.apply(command);
    }

    @Override
    public byte[] query(byte[] query) {
      return log.query(query);
    }

    @Override
    public Snapshot snapshot() {
      return log.snapshot();
    }

    @Override
    public void restore(InputStream in) throws IOException {
      log.restore(in);
    }
  }

  @Test
  void theClientGetsTheStateMachinesExceptionAndLaterCommandsWork() throws Exception {
    Map<Integer, NoNegatives> machines = new ConcurrentHashMap<>();
    try (LocalCluster cluster =
            LocalCluster.builder()
                .config(ClusterConfig.of("failing", 1, 2, 3))
                .stateMachines(id -> machines.computeIfAbsent(id, i -> new NoNegatives()))
                .options(GrpcCluster.FAST)
                .commandTimeout(Duration.ofSeconds(5))
                .nodeSettings(n -> n.applyFailures(ApplyFailurePolicy.FAIL_COMMAND))
                .start();
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(18)
                .build()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      client.submit(LogStateMachine.command(1)).get(30, TimeUnit.SECONDS);

      assertFailsAsNegative(client, -5);

      client.submit(LogStateMachine.command(2)).get(30, TimeUnit.SECONDS);
      assertThat(
              LogStateMachine.ids(
                  client.read(new byte[0], Consistency.LINEARIZABLE).get(30, TimeUnit.SECONDS)))
          .containsExactly(1L, 2L);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(machines.values())
                      .hasSize(3)
                      .allSatisfy(
                          m ->
                              assertThat(LogStateMachine.ids(m.query(new byte[0])))
                                  .containsExactly(1L, 2L)));
      assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.status().failure()).isEmpty());
      assertThat(cluster.nodes().stream().map(PaxosNode::id).toList()).hasSize(3);
    }
  }

  /**
   * A client given only a proposer-only node: the learners tell that node of the failure over the
   * wire (a {@code CommandFailed} envelope), and the client gets it within 30 seconds although the
   * node's command timeout is 10 minutes.
   */
  @Test
  void aClientOfANodeWithoutALearnerGetsTheFailureToo() throws Exception {
    ClusterConfig split =
        ClusterConfig.withMajorities(
            "split",
            List.of(
                Member.of(1, Role.PROPOSER),
                Member.of(11, Role.ACCEPTOR),
                Member.of(12, Role.ACCEPTOR),
                Member.of(13, Role.ACCEPTOR),
                Member.of(21, Role.LEARNER),
                Member.of(22, Role.LEARNER)));
    Map<Integer, NoNegatives> machines = new ConcurrentHashMap<>();
    try (LocalCluster cluster =
            LocalCluster.builder()
                .config(split)
                .stateMachines(
                    id -> id >= 21 ? machines.computeIfAbsent(id, i -> new NoNegatives()) : null)
                .options(GrpcCluster.FAST)
                .commandTimeout(Duration.ofMinutes(10))
                .nodeSettings(n -> n.applyFailures(ApplyFailurePolicy.FAIL_COMMAND))
                .start();
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(List.of(cluster.endpoints().get(0))) // node 1, the proposer
                .timeout(Duration.ofSeconds(30))
                .seed(18)
                .build()) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      client.submit(LogStateMachine.command(1)).get(30, TimeUnit.SECONDS);

      assertFailsAsNegative(client, -7);

      client.submit(LogStateMachine.command(2)).get(30, TimeUnit.SECONDS);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(machines.values())
                      .hasSize(2)
                      .allSatisfy(
                          m ->
                              assertThat(LogStateMachine.ids(m.query(new byte[0])))
                                  .containsExactly(1L, 2L)));
      assertThat(cluster.nodes()).allSatisfy(n -> assertThat(n.status().failure()).isEmpty());
    }
  }

  /** Submitting the negative {@code id} fails with the state machine's exception, carried over. */
  private static void assertFailsAsNegative(PaxosClient client, long id) {
    assertThatThrownBy(() -> client.submit(LogStateMachine.command(id)).get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOfSatisfying(
            CommandFailedException.class,
            e -> {
              assertThat(e.exceptionClass()).isEqualTo("java.lang.IllegalStateException");
              assertThat(e.exceptionMessage()).isEqualTo("negative id " + id);
            });
  }
}
