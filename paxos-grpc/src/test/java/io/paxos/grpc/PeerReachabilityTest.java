package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.observe.NodeObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The gRPC transport reports each peer's reachability to the node's observers once per transition,
 * not once per reconnection attempt, and names the peer's members' addresses.
 */
class PeerReachabilityTest {

  /** Records "up 2" and "down 2" as the transport reports them. */
  static final class Reachability implements NodeObserver {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void peerReachable(int peer) {
      events.add("up " + peer);
    }

    @Override
    public void peerUnreachable(int peer, String why) {
      events.add("down " + peer);
    }

    long count(String event) {
      return events.stream().filter(event::equals).count();
    }

    String last(int peer) {
      String last = null;
      for (String e : events) {
        if (e.endsWith(" " + peer)) {
          last = e;
        }
      }
      return last;
    }
  }

  @Test
  void aStoppedPeerIsReportedUnreachableOnceWhileTheLinkKeepsRetrying() {
    Map<Integer, Reachability> observers = new TreeMap<>();
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("reach", 1, 2, 3))
            .stateMachines(id -> new LogStateMachine())
            .observers(
                id -> {
                  Reachability r = new Reachability();
                  observers.put(id, r);
                  return List.of(r);
                })
            .start()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  "up 2".equals(observers.get(1).last(2))
                      && "up 3".equals(observers.get(1).last(3))
                      && "up 3".equals(observers.get(2).last(3)));

      assertThat(cluster.node(1).orElseThrow().gauges().peersReachable())
          .isEqualTo(Map.of(2, true, 3, true));
      cluster.stop(3);
      // The links of nodes 1 and 2 retry with backoff (from 20 ms) the whole time: one report.
      await().atMost(Duration.ofSeconds(30)).until(() -> "down 3".equals(observers.get(1).last(3)));
      assertThat(cluster.node(1).orElseThrow().gauges().peersReachable()).containsEntry(3, false);
      long downs = observers.get(1).count("down 3");
      await()
          .during(Duration.ofMillis(800))
          .atMost(Duration.ofSeconds(5))
          .until(() -> observers.get(1).count("down 3") == downs);
      // Each transition once: never two reports in a row of the same state.
      for (Reachability r : observers.values()) {
        for (int peer = 1; peer <= 3; peer++) {
          String previous = null;
          for (String e : r.events) {
            if (e.endsWith(" " + peer)) {
              assertThat(e).isNotEqualTo(previous);
              previous = e;
            }
          }
        }
      }
    }
  }
}
