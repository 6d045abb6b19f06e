package io.paxos.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /members}, {@code POST /members} and the epoch in {@code /status}, against a 3-node
 * cluster in this JVM: a change at the leader takes effect and shows everywhere, a follower sends
 * the caller to the leader (503), refusals are 409 with the reason, and requests that cannot be
 * carried out as written are 400 before anything is proposed.
 */
class MembersHandlersTest {

  @Test
  void showsAndChangesTheMembershipAndRefusesWhatItCannotDo() {
    try (HttpCluster cluster =
        new HttpCluster(ClusterConfig.of("m", 1, 2, 3), HttpOptions.defaults())) {
      PaxosNode l = cluster.awaitAgreedLeader();
      int leader = l.id();
      int follower = cluster.follower(l).id();
      for (int id = 1; id <= 3; id++) {
        JsonNode m = cluster.get(id, "/members").body();
        assertThat(m.get("epoch").asInt()).isZero();
        assertThat(m.get("first_slot").asLong()).isEqualTo(1);
        assertThat(m.get("phase1_quorum").asInt()).isEqualTo(2);
        assertThat(m.get("members")).hasSize(3);
        JsonNode s = cluster.get(id, "/status").body();
        assertThat(s.get("epoch").asInt()).isZero();
        assertThat(s.get("epoch_first_slot").asLong()).isEqualTo(1);
        assertThat(s.get("member").asBoolean()).isTrue();
      }

      HttpCluster.Response notLeader =
          cluster.send(follower, "POST", "/members", "{\"remove\": [" + follower + "]}");
      assertThat(notLeader.status()).isEqualTo(503);
      assertThat(notLeader.body().get("leader").get("id").asInt()).isEqualTo(leader);
      // A follower's epoch says nothing of the leader's: it sends the caller there, stale or not.
      assertThat(
              cluster
                  .send(follower, "POST", "/members", "{\"remove\": [3], \"from_epoch\": 5}")
                  .status())
          .isEqualTo(503);

      for (String bad :
          new String[] {
            "",
            "[]",
            "{}",
            "{\"add\": \"x\"}",
            "{\"add\": [{\"id\": 0, \"address\": \"127.0.0.1:1\"}]}",
            "{\"add\": [{\"id\": 4}]}",
            "{\"add\": [{\"id\": 4, \"address\": \"nowhere\"}]}",
            "{\"add\": [{\"id\": 2, \"address\": \"127.0.0.1:1\"}]}",
            "{\"remove\": [9]}",
            "{\"remove\": [1.5]}",
            "{\"remove\": [2147483648]}",
            "{\"remove\": [1, 2, 3]}",
            "{\"remove\": [1], \"phase1_quorum\": 2}",
            "{\"remove\": [1], \"phase1_quorum\": 1, \"phase2_quorum\": 1}",
          }) {
        HttpCluster.Response r = cluster.send(leader, "POST", "/members", bad);
        assertThat(r.status()).as("%s: %s", bad, r.text()).isEqualTo(400);
      }
      HttpCluster.Response notCaughtUp =
          cluster.send(
              leader, "POST", "/members", "{\"add\": [{\"id\": 9, \"address\": \"127.0.0.1:1\"}]}");
      assertThat(notCaughtUp.status()).isEqualTo(409);
      assertThat(notCaughtUp.body().get("error").asText()).contains("new acceptor 9");
      HttpCluster.Response stale =
          cluster.send(
              leader, "POST", "/members", "{\"remove\": [" + follower + "], \"from_epoch\": 5}");
      assertThat(stale.status()).isEqualTo(409);
      assertThat(stale.body().get("error").asText()).contains("epoch 0, not 5");
      for (PaxosNode n : cluster.nodes.values()) {
        assertThat(n.membership().epoch()).as("nothing proposed").isZero();
      }

      HttpCluster.Response changed =
          cluster.send(
              leader, "POST", "/members", "{\"remove\": [" + follower + "], \"from_epoch\": 0}");
      assertThat(changed.status()).as(changed.text()).isEqualTo(200);
      assertThat(changed.body().get("epoch").asInt()).isEqualTo(1);
      assertThat(changed.body().get("members")).hasSize(2);
      for (int id = 1; id <= 3; id++) {
        int at = id;
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() -> cluster.get(at, "/status").body().get("epoch").asInt() == 1);
        assertThat(cluster.get(at, "/members").body().get("first_slot").asLong())
            .isEqualTo(changed.body().get("first_slot").asLong());
        assertThat(cluster.get(at, "/status").body().get("member").asBoolean())
            .as("node %d", at)
            .isEqualTo(at != follower);
      }
      assertThat(cluster.get(follower, "/status").body().get("roles")).isEmpty();
    }
  }
}
