package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.InMemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Members started with different configurations never form a cluster. In each case node 1 alone
 * would find a quorum with node 2 (2 of 3 acceptors) and lead, if node 2 answered it: the
 * configuration fingerprint in the handshake makes each refuse the other's streams.
 */
class ConfigMismatchTest {
  /** Where the member that is not started would be: a privileged port where nothing listens. */
  private static final Endpoint NOWHERE = new Endpoint("127.0.0.1", 1);

  private static List<Member> allRoles(int... ids) {
    return IntStream.of(ids).mapToObj(Member::allRoles).toList();
  }

  @Test
  @DisplayName("nodes whose member lists differ never form a cluster")
  void differentMembersNeverFormACluster() throws Exception {
    neverFormACluster(
        ClusterConfig.of("mismatch", 1, 2, 3), ClusterConfig.of("mismatch", 1, 2, 3, 4));
  }

  @Test
  @DisplayName("nodes whose quorum sizes differ never form a cluster")
  void differentQuorumsNeverFormACluster() throws Exception {
    neverFormACluster(
        new ClusterConfig("mismatch", allRoles(1, 2, 3), 2, 2),
        new ClusterConfig("mismatch", allRoles(1, 2, 3), 3, 1));
  }

  @Test
  @DisplayName("the same two nodes with the same configuration do form a cluster (the control)")
  void sameConfigurationFormsACluster() throws Exception {
    ClusterConfig config = ClusterConfig.of("mismatch", 1, 2, 3);
    try (Pair pair = new Pair(config, config)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> pair.nodes.stream().anyMatch(PaxosNode::isLeader));
    }
  }

  /**
   * Start node 1 with {@code first} and node 2 with {@code second}; when each has refused the
   * other's streams several times (seconds of backoff, many election timeouts), neither leads and
   * nothing was applied. (Without the check, node 1 leads within a few election timeouts.)
   */
  private static void neverFormACluster(ClusterConfig first, ClusterConfig second)
      throws Exception {
    try (Pair pair = new Pair(first, second)) {
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  pair.nodes.stream().anyMatch(PaxosNode::isLeader)
                      || (pair.servers.get(0).refusedPeerStreams() >= 8
                          && pair.servers.get(1).refusedPeerStreams() >= 8));
      for (PaxosNode node : pair.nodes) {
        assertThat(node.isLeader()).as("node %d leads", node.id()).isFalse();
      }
      for (LogStateMachine machine : pair.machines) {
        assertThat(machine.size()).isZero();
      }
    }
  }

  /** Node 1 and node 2, each with its own configuration; the other members are absent. */
  private static final class Pair implements AutoCloseable {
    final List<PaxosServer> servers = new ArrayList<>();
    final List<PaxosNode> nodes = new ArrayList<>();
    final List<LogStateMachine> machines = new ArrayList<>();

    Pair(ClusterConfig first, ClusterConfig second) {
      ClusterConfig[] configs = {first, second};
      try {
        for (int i = 0; i < 2; i++) {
          servers.add(
              PaxosServer.builder()
                  .config(configs[i])
                  .nodeId(i + 1)
                  .listen("127.0.0.1", 0)
                  .start());
        }
        for (int i = 0; i < 2; i++) {
          Map<Integer, Endpoint> peers = new TreeMap<>();
          for (int id : configs[i].ids()) {
            peers.put(
                id, id <= 2 ? new Endpoint("127.0.0.1", servers.get(id - 1).port()) : NOWHERE);
          }
          GrpcTransport transport =
              GrpcTransport.builder().server(servers.get(i)).peers(peers).seed(i).build();
          LogStateMachine machine = new LogStateMachine();
          machines.add(machine);
          PaxosNode node =
              PaxosNode.builder()
                  .config(configs[i])
                  .nodeId(i + 1)
                  .transport(transport)
                  .storage(new InMemoryStorage())
                  .options(GrpcCluster.FAST)
                  .stateMachine(machine)
                  .bootstrap(Bootstrap.NEW)
                  .build();
          servers.get(i).serve(node);
          nodes.add(node);
        }
      } catch (RuntimeException e) {
        close();
        throw e;
      }
    }

    @Override
    public void close() {
      nodes.forEach(PaxosNode::close);
      servers.forEach(PaxosServer::close);
    }
  }
}
