package io.paxos.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.runtime.PaxosNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Session reads at a follower that lags, a node that knows no leader, and a node without a learner:
 * what the API answers when this node cannot serve, and that a session never reads older than what
 * it has seen.
 */
class KvHttpSessionTest {
  private static final HttpOptions OPTIONS =
      HttpOptions.defaults().withSessionWait(Duration.ofMillis(300));

  @Test
  void aSessionReadsItsWritesAtALaggingFollowerAndNeverAnOlderValue() {
    try (HttpCluster c = new HttpCluster(ClusterConfig.of("s", 1, 2, 3), OPTIONS)) {
      PaxosNode leader = c.awaitAgreedLeader();
      int l = leader.id();
      int f = c.follower(leader).id();
      long first = c.send(l, "PUT", "/kv/k", "v1").sessionSlot();
      await().until(() -> c.nodes.get(f).status().appliedSlot() >= first);

      c.network.isolate(f);
      HttpCluster.Response write = c.send(l, "PUT", "/kv/k", "v2");
      assertThat(write.status()).isEqualTo(200);
      long token = write.sessionSlot();
      assertThat(token).isGreaterThan(first);

      HttpCluster.Response eventual = c.get(f, "/kv/k?consistency=eventual");
      assertThat(eventual.body().get("value").asText()).as("the follower lags").isEqualTo("v1");
      assertThat(eventual.sessionSlot()).isLessThan(token);

      HttpCluster.Response waited =
          c.get(f, "/kv/k?consistency=session", "Paxos-Session", Long.toString(token));
      assertThat(waited.status()).as("never the older value: 503 instead").isEqualTo(503);
      assertThat(waited.body().get("error").asText())
          .contains("has not applied slot " + token)
          .contains("read at another node");
      JsonNode named = waited.body().get("leader");
      if (!named.isNull()) { // it knows the leader unless its election timeout passed meanwhile
        assertThat(named.get("id").asInt()).isEqualTo(l);
        assertThat(named.get("http").asText()).isEqualTo(c.addresses.get(l));
      }
      // The same token at an up-to-date node answers at once.
      HttpCluster.Response atLeader =
          c.get(l, "/kv/k?consistency=session", "Paxos-Session", Long.toString(token));
      assertThat(atLeader.body().get("value").asText()).isEqualTo("v2");

      c.network.reconnect(f);
      HttpCluster.Response caughtUp =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(
                  () -> {
                    HttpCluster.Response r = c.get(f, "/kv/k?consistency=session&session=" + token);
                    if (r.status() == 200) {
                      assertThat(r.body().get("value").asText()).isEqualTo("v2");
                    }
                    return r;
                  },
                  r -> r.status() == 200);
      assertThat(caughtUp.sessionSlot()).isGreaterThanOrEqualTo(token);
      assertThat(
              c.send(
                      f,
                      "POST",
                      "/read",
                      "{\"key\":\"k\",\"consistency\":\"session\",\"session\":" + token + "}")
                  .body()
                  .get("value")
                  .asText())
          .isEqualTo("v2");
    }
  }

  @Test
  void aNodeThatKnowsNoLeaderIsUnhealthyAndSaysWhy() {
    try (HttpCluster c = new HttpCluster(ClusterConfig.of("h", 1, 2, 3), OPTIONS)) {
      PaxosNode leader = c.awaitAgreedLeader();
      int f = c.follower(leader).id();
      c.network.isolate(f);
      HttpCluster.Response unhealthy =
          await()
              .atMost(Duration.ofSeconds(30))
              .until(() -> c.get(f, "/health"), r -> r.status() == 503);
      assertThat(unhealthy.body().get("status").asText()).isEqualTo("unavailable");
      assertThat(unhealthy.body().get("reason").asText()).contains("knows no leader");
      c.network.reconnect(f);
      await().atMost(Duration.ofSeconds(30)).until(() -> c.get(f, "/health").status() == 200);
    }
  }

  @Test
  void aNodeWithoutALearnerTakesWritesAndSendsReadsToTheLearners() {
    ClusterConfig split =
        ClusterConfig.withMajorities(
            "split",
            List.of(
                Member.allRoles(1),
                Member.allRoles(2),
                Member.allRoles(3),
                Member.of(4, Role.PROPOSER)));
    try (HttpCluster c = new HttpCluster(split, OPTIONS)) {
      c.awaitAgreedLeader();
      HttpCluster.Response put = c.send(4, "PUT", "/kv/from-4", "x");
      assertThat(put.status()).isEqualTo(200);
      long token = put.sessionSlot();
      assertThat(token).isPositive();
      HttpCluster.Response read = c.get(4, "/kv/from-4");
      assertThat(read.status()).isEqualTo(503);
      assertThat(read.body().get("error").asText()).contains("hosts no learner");
      assertThat(read.body().get("learners")).hasSize(3);
      assertThat(read.body().get("learners").get(0).get("http").asText())
          .isEqualTo(c.addresses.get(1));
      assertThat(
              c.get(2, "/kv/from-4?consistency=session", "Paxos-Session", Long.toString(token))
                  .body()
                  .get("value")
                  .asText())
          .isEqualTo("x");
      JsonNode status = c.get(4, "/status").body();
      assertThat(status.get("roles").toString()).isEqualTo("[\"proposer\"]");
      assertThat(status.get("members")).hasSize(4);
    }
  }
}
