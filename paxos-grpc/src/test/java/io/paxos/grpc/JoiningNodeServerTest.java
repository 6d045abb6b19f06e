package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.grpc.client.PaxosClient;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@link NodeServer} started with {@link NodeSettings#joining()} and an id the cluster file does
 * not have: it starts (built with {@code joinAs}, its empty data directory created), catches up
 * outside the membership, is added through {@code PaxosClient.changeMembership} at the address its
 * {@code Member} carries, applies what the cluster applies, and on a restart resumes in its epoch.
 */
class JoiningNodeServerTest {
  private static final ClusterConfig THREE = ClusterConfig.of("join", 1, 2, 3);

  @Test
  void aJoiningServerIsAddedThroughTheClientAndResumesAfterARestart(@TempDir Path dir)
      throws Exception {
    try (GrpcCluster cluster = new GrpcCluster(THREE);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(cluster.endpoints())
                .timeout(Duration.ofSeconds(30))
                .seed(4)
                .build()) {
      cluster.awaitLeader();
      for (long i = 0; i < 5; i++) {
        client.submit(LogStateMachine.command(i)).get(30, TimeUnit.SECONDS);
      }
      Endpoint self = new Endpoint("127.0.0.1", freePort());
      Map<Integer, Endpoint> addresses = new TreeMap<>();
      for (int id = 1; id <= 3; id++) {
        addresses.put(id, new Endpoint("127.0.0.1", cluster.server(id).port()));
      }
      addresses.put(4, self);
      NodeSettings settings =
          new NodeSettings(
              THREE,
              4,
              addresses,
              "127.0.0.1",
              dir.resolve("node-4"), // missing: a joining node's first start creates it
              Optional.empty(),
              GrpcCluster.FAST,
              SnapshotOptions.defaults(),
              Duration.ofSeconds(5),
              false,
              Optional.empty(),
              ConnectionLimits.defaults(),
              true);
      AtomicReference<LogStateMachine> machine = new AtomicReference<>();
      NodeServer joining = NodeServer.start(settings, () -> fresh(machine));
      try {
        assertThat(joining.node().membership().epoch()).isZero();
        List<Member> four = new ArrayList<>(THREE.members());
        four.add(Member.allRoles(4).withAddress(self.toString()));
        ClusterConfig next = ClusterConfig.withMajorities("join", four);
        ClusterEpoch grown = changeWhenCaughtUp(client, next);
        assertThat(grown.epoch()).isEqualTo(1);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> joining.node().membership().equals(grown));
        for (long i = 5; i < 10; i++) {
          client.submit(LogStateMachine.command(i)).get(30, TimeUnit.SECONDS);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> machine.get().size() == 10);
        assertThat(machine.get().applied()).isEqualTo(cluster.machines.get(1).applied());
      } finally {
        joining.close();
      }

      // Restarted the same way, it resumes in epoch 1 and takes part again.
      NodeServer again = NodeServer.start(settings, () -> fresh(machine));
      try {
        await().atMost(Duration.ofSeconds(30)).until(() -> again.node().membership().epoch() == 1);
        client.submit(LogStateMachine.command(10)).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> machine.get().size() == 11);
      } finally {
        again.close();
      }
    }
  }

  private static LogStateMachine fresh(AtomicReference<LogStateMachine> machine) {
    LogStateMachine m = new LogStateMachine();
    machine.set(m);
    return m;
  }

  /** Ask for {@code next} until the joining acceptor has caught up and the leader proposes it. */
  private static ClusterEpoch changeWhenCaughtUp(PaxosClient client, ClusterConfig next)
      throws Exception {
    return org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(60))
        .pollInterval(java.time.Duration.ofMillis(100))
        .until(
            () -> {
              try {
                return client.changeMembership(next).get(30, TimeUnit.SECONDS);
              } catch (ExecutionException e) {
                if (e.getCause() instanceof MembershipChangeException) {
                  return null; // not caught up yet: asked again
                }
                throw e;
              }
            },
            epoch -> epoch != null);
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }
}
