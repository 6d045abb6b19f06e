package io.paxos.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Leader priority on running nodes (docs/leader-priority.md): the node of the highest priority
 * leads, and {@code GET /status} shows each member's priority. A cluster without priorities shows
 * none (its status is what it was before priorities existed; see {@code KvHttpApiTest}).
 */
class LeaderPriorityStatusTest {

  @Test
  void theHighestPriorityLeadsAndStatusShowsEachPriority() {
    ClusterConfig config = ClusterConfig.of("prio", 1, 2, 3).withPriority(2, 5).withPriority(3, 10);
    try (HttpCluster cluster = new HttpCluster(config, HttpOptions.defaults())) {
      // Node 3 campaigns first; should another win first (a loaded machine), it hands over.
      PaxosNode leader =
          await()
              .atMost(Duration.ofSeconds(60))
              .until(cluster::awaitAgreedLeader, l -> l.id() == 3);
      assertThat(leader.id()).isEqualTo(3);

      JsonNode s = cluster.get(1, "/status").body();
      assertThat(s.get("priority").asInt()).isZero();
      assertThat(s.get("leader").get("id").asInt()).isEqualTo(3);
      assertThat(s.get("members").get(0).get("priority").asInt()).isZero();
      assertThat(s.get("members").get(1).get("priority").asInt()).isEqualTo(5);
      assertThat(s.get("members").get(2).get("priority").asInt()).isEqualTo(10);
      assertThat(cluster.get(3, "/status").body().get("priority").asInt()).isEqualTo(10);
    }
  }

  @Test
  void withoutPrioritiesStatusShowsNone() {
    try (HttpCluster cluster =
        new HttpCluster(ClusterConfig.of("plain", 1, 2, 3), HttpOptions.defaults())) {
      cluster.awaitAgreedLeader();
      JsonNode s = cluster.get(1, "/status").body();
      assertThat(s.has("priority")).isFalse();
      assertThat(s.get("members").get(0).has("priority")).isFalse();
    }
  }
}
