package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A peer that accepts connections but never reads (docs/pitfalls.md #20, #21): sends to it never
 * block, what it cannot take is dropped and counted within the queue's bound, and the other peer
 * still receives everything.
 */
class SlowPeerTest {

  @Test
  @DisplayName(
      "a peer that stops reading fills only its own bounded queue; the others keep receiving")
  void silentPeerDoesNotStallOthers() throws Exception {
    ClusterConfig config = ClusterConfig.of("slow", 1, 2, 3);
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        PaxosServer s1 = server(config, 1);
        PaxosServer s2 = server(config, 2)) {
      Map<Integer, Endpoint> peers =
          Map.of(
              1, new Endpoint("127.0.0.1", s1.port()),
              2, new Endpoint("127.0.0.1", s2.port()),
              3, new Endpoint("127.0.0.1", silent.getLocalPort()));
      Set<Long> atNode2 = ConcurrentHashMap.newKeySet();
      try (GrpcTransport t1 =
              GrpcTransport.builder().server(s1).peers(peers).queueCapacity(1_000).seed(1).build();
          GrpcTransport t2 = GrpcTransport.builder().server(s2).peers(peers).seed(2).build()) {
        t1.start(m -> {});
        t2.start(m -> atNode2.add(((Message.Heartbeat) m).sequence()));
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> {
                  t1.send(2, heartbeat(-1));
                  t1.flush();
                  return atNode2.contains(-1L);
                });

        int toSilent = 50_000;
        long next = 0;
        for (int round = 0; round < 10; round++) {
          for (int i = 0; i < toSilent / 10; i++) {
            t1.send(3, heartbeat(i));
          }
          for (int i = 0; i < 500; i++) {
            t1.send(2, heartbeat(next++));
          }
          t1.flush();
          long sent = next;
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> atNode2.containsAll(range(sent - 500, sent)));
        }
        assertThat(t1.dropped()).isGreaterThanOrEqualTo(toSilent - 1_000L);
      }
    }
  }

  private static Set<Long> range(long from, long to) {
    Set<Long> r = new java.util.HashSet<>();
    for (long i = from; i < to; i++) {
      r.add(i);
    }
    return r;
  }

  private static Message heartbeat(long sequence) {
    return new Message.Heartbeat(1, new Ballot(1, 1), 0, sequence);
  }

  private static PaxosServer server(ClusterConfig config, int id) {
    return PaxosServer.builder().config(config).nodeId(id).listen("127.0.0.1", 0).start();
  }
}
