package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.Transport;
import io.paxos.grpc.client.PaxosClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A client writes at the leader and then reads SEQUENTIAL at a follower that lags: it still sees
 * its write (the follower waits for the client's slot, times out, and the client reads elsewhere),
 * never the state before it.
 */
class SequentialReadAtLaggingFollowerTest {
  /** Slow elections: a busy machine must not move leadership to the node the test cuts off. */
  private static final io.paxos.core.config.ProtocolOptions STEADY =
      io.paxos.core.config.ProtocolOptions.defaults().withTimings(50, 1500, 3000, 100);

  /** A transport that drops everything to and from its node while it is cut off. */
  private static final class Gate implements Transport {
    private final Transport inner;
    private volatile boolean cut;

    Gate(Transport inner) {
      this.inner = inner;
    }

    @Override
    public void start(Consumer<PeerMessage> inbound) {
      inner.start(
          m -> {
            if (!cut) {
              inbound.accept(m);
            }
          });
    }

    @Override
    public void send(int to, PeerMessage message) {
      if (!cut) {
        inner.send(to, message);
      }
    }

    @Override
    public void flush() {
      inner.flush();
    }

    @Override
    public void close() {
      inner.close();
    }
  }

  @Test
  void aSequentialReadAtALaggingFollowerSeesTheClientsOwnWrite() throws Exception {
    ClusterConfig config = ClusterConfig.of("lag", 1, 2, 3);
    Map<Integer, PaxosServer> servers = new LinkedHashMap<>();
    Map<Integer, Endpoint> addresses = new LinkedHashMap<>();
    Map<Integer, PaxosNode> nodes = new LinkedHashMap<>();
    Map<Integer, Gate> gates = new LinkedHashMap<>();
    try {
      for (int id : config.ids()) {
        PaxosServer server =
            PaxosServer.builder().config(config).nodeId(id).listen("127.0.0.1", 0).start();
        servers.put(id, server);
        addresses.put(id, new Endpoint("127.0.0.1", server.port()));
      }
      for (int id : config.ids()) {
        Gate gate =
            new Gate(
                GrpcTransport.builder().server(servers.get(id)).peers(addresses).seed(id).build());
        gates.put(id, gate);
        PaxosNode node =
            PaxosNode.builder()
                .config(config)
                .nodeId(id)
                .transport(gate)
                .stateMachine(new LogStateMachine())
                .options(STEADY)
                .commandTimeout(Duration.ofSeconds(30))
                .build();
        servers.get(id).serve(node);
        nodes.put(id, node);
      }
      PaxosNode leader = awaitLeader(nodes);
      int lagging = nodes.keySet().stream().filter(id -> id != leader.id()).findFirst().get();
      List<Endpoint> order = new ArrayList<>();
      order.add(addresses.get(lagging)); // the client's SEQUENTIAL reads start here
      addresses.forEach(
          (id, e) -> {
            if (id != lagging) {
              order.add(e);
            }
          });
      try (PaxosClient client =
          PaxosClient.builder().endpoints(order).timeout(Duration.ofSeconds(30)).build()) {
        // The first call picks the first node in rotation: the SEQUENTIAL reads stay there.
        assertThat(
                LogStateMachine.ids(
                    client.read(new byte[0], Consistency.SEQUENTIAL).get(30, TimeUnit.SECONDS)))
            .isEmpty();
        client.submit(LogStateMachine.command(1)).get(30, TimeUnit.SECONDS);
        org.awaitility.Awaitility.await()
            .until(() -> nodes.get(lagging).status().appliedSlot() >= 1);

        assertThat(nodes.get(lagging).isLeader()).as("leadership stayed elsewhere").isFalse();
        gates.get(lagging).cut = true;
        client.submit(LogStateMachine.command(2)).get(30, TimeUnit.SECONDS);
        long applied =
            nodes.values().stream().mapToLong(n -> n.status().appliedSlot()).max().orElseThrow();
        assertThat(nodes.get(lagging).status().appliedSlot())
            .as("the follower lags")
            .isLessThan(applied);
        assertThat(
                LogStateMachine.ids(nodes.get(lagging).read(new byte[0], Consistency.STALE).get()))
            .containsExactly(1L);

        // At the lagging node the read waits for the client's slot, times out there, and is
        // answered by another node; without the slot it would answer at once, without the write.
        List<Long> read =
            LogStateMachine.ids(
                client.read(new byte[0], Consistency.SEQUENTIAL).get(30, TimeUnit.SECONDS));
        assertThat(read).as("the client's own write").containsExactly(1L, 2L);
      } finally {
        gates.get(lagging).cut = false;
      }
    } finally {
      nodes.values().forEach(PaxosNode::close);
      servers.values().forEach(PaxosServer::close);
    }
  }

  private static PaxosNode awaitLeader(Map<Integer, PaxosNode> nodes) {
    return org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null),
            n -> n != null);
  }
}
