package io.paxos.examples.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.kv.KvCommand;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every endpoint of the HTTP API, every consistency and every refusal, against a 3-node cluster in
 * this JVM with one API per node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KvHttpApiTest {
  private HttpCluster cluster;
  private int leader;
  private int follower;

  @BeforeAll
  void start() {
    HttpOptions options =
        HttpOptions.defaults()
            .withRoutes(app -> app.get("/extra", ctx -> ctx.result("extra route")));
    cluster = new HttpCluster(ClusterConfig.of("http", 1, 2, 3), options);
  }

  /** Who leads now (a busy machine may move leadership between tests). */
  @BeforeEach
  void findLeader() {
    PaxosNode l = cluster.awaitAgreedLeader();
    leader = l.id();
    follower = cluster.follower(l).id();
  }

  @AfterAll
  void stop() {
    cluster.close();
  }

  private HttpCluster.Response put(int node, String key, String value) {
    return cluster.send(node, "PUT", "/kv/" + key, value);
  }

  @Test
  void healthAndStatusDescribeTheNodeAndTheLeader() {
    for (int id : cluster.nodes.keySet()) {
      HttpCluster.Response health = cluster.get(id, "/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.body().get("status").asText()).isEqualTo("serving");
      assertThat(health.body().get("leader").get("id").asInt()).isEqualTo(leader);
    }
    put(leader, "status-key", "v");
    JsonNode s = cluster.get(follower, "/status").body();
    assertThat(s.get("cluster").asText()).isEqualTo("http");
    assertThat(s.get("node").asInt()).isEqualTo(follower);
    assertThat(s.get("roles").toString()).isEqualTo("[\"proposer\",\"acceptor\",\"learner\"]");
    assertThat(s.get("is_leader").asBoolean()).isFalse();
    assertThat(s.get("leader").get("id").asInt()).isEqualTo(leader);
    assertThat(s.get("leader").get("http").asText()).isEqualTo(cluster.addresses.get(leader));
    assertThat(s.get("ballot").get("node").asInt()).isEqualTo(leader);
    assertThat(s.get("ballot").get("round").asLong()).isPositive();
    assertThat(s.get("applied_slot").asLong()).isPositive();
    assertThat(s.get("commit_slot").asLong()).isPositive();
    assertThat(s.get("failure").isNull()).isTrue();
    assertThat(s.get("log_bytes").asLong()).isZero(); // in-memory storage
    assertThat(s.get("snapshot").isNull()).isTrue();
    // the in-memory transport reports nothing on its peers
    assertThat(s.get("members").get(leader - 1).get("reachable").isNull()).isTrue();
    assertThat(s.get("members")).hasSize(3);
    assertThat(s.get("members").get(follower - 1).get("self").asBoolean()).isTrue();
    assertThat(s.get("members").get(leader - 1).get("http").asText())
        .isEqualTo(cluster.addresses.get(leader));
  }

  @Test
  void putGetDeleteAtAnyNodeWithEveryConsistency() {
    HttpCluster.Response first = put(follower, "color", "red");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().get("previous").isNull()).isTrue();
    assertThat(first.sessionSlot()).isPositive().isEqualTo(first.body().get("session").asLong());
    HttpCluster.Response second = put(leader, "color", "blue");
    assertThat(second.body().get("previous").asText()).isEqualTo("red");
    assertThat(second.sessionSlot()).isGreaterThan(first.sessionSlot());

    for (String consistency : List.of("strong", "lease", "session", "eventual", "STRONG")) {
      HttpCluster.Response read =
          cluster.get(
              follower,
              "/kv/color?consistency=" + consistency,
              "Paxos-Session",
              Long.toString(second.sessionSlot()));
      assertThat(read.status()).as(consistency).isEqualTo(200);
      if (!consistency.equals("eventual")) {
        assertThat(read.body().get("value").asText()).as(consistency).isEqualTo("blue");
        assertThat(read.sessionSlot()).isGreaterThanOrEqualTo(second.sessionSlot());
      }
      assertThat(read.body().get("consistency").asText()).isEqualTo(consistency.toLowerCase());
    }
    HttpCluster.Response byDefault = cluster.get(follower, "/kv/color");
    assertThat(byDefault.body().get("consistency").asText()).isEqualTo("strong");
    assertThat(byDefault.body().get("value").asText()).isEqualTo("blue");

    HttpCluster.Response deleted = cluster.send(follower, "DELETE", "/kv/color", (byte[]) null);
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.body().get("deleted").asBoolean()).isTrue();
    assertThat(deleted.body().get("previous").asText()).isEqualTo("blue");
    HttpCluster.Response again = cluster.send(follower, "DELETE", "/kv/color", (byte[]) null);
    assertThat(again.body().get("deleted").asBoolean()).isFalse();
    HttpCluster.Response gone = cluster.get(leader, "/kv/color");
    assertThat(gone.status()).isEqualTo(404);
    assertThat(gone.body().get("error").asText()).contains("not found");
    assertThat(gone.sessionSlot()).isGreaterThanOrEqualTo(deleted.sessionSlot());
  }

  @Test
  void keysAndValuesOfAnyUnicodeOrBytesRoundTrip() {
    assertThat(put(leader, "%D0%BA%D0%BB%D1%8E%D1%87%2F%F0%9F%99%82", "значение").status())
        .isEqualTo(200);
    HttpCluster.Response read = cluster.send(leader, "POST", "/read", "{\"key\": \"ключ/🙂\"}");
    assertThat(read.body().get("value").asText()).isEqualTo("значение");
    assertThat(put(leader, "a/b/c", "slashes").status()).isEqualTo(200);
    assertThat(cluster.get(follower, "/kv/a/b/c").body().get("value").asText())
        .isEqualTo("slashes");
    byte[] binary = {(byte) 0xFF, 0, (byte) 0xC3};
    assertThat(cluster.send(leader, "PUT", "/kv/binary", binary).status()).isEqualTo(200);
    JsonNode b = cluster.get(follower, "/kv/binary").body();
    assertThat(b.has("value")).isFalse();
    assertThat(Base64.getDecoder().decode(b.get("value_base64").asText())).isEqualTo(binary);
    String b64 = Base64.getEncoder().encodeToString(new byte[] {1, 2, (byte) 0x80});
    assertThat(
            cluster
                .send(
                    leader, "POST", "/write", "{\"key\":\"b64\",\"value_base64\":\"" + b64 + "\"}")
                .status())
        .isEqualTo(200);
    assertThat(cluster.get(leader, "/kv/b64").body().get("value_base64").asText()).isEqualTo(b64);
    assertThat(cluster.send(leader, "PUT", "/kv/empty", new byte[0]).status()).isEqualTo(200);
    assertThat(cluster.get(leader, "/kv/empty").body().get("value").asText()).isEmpty();
  }

  @Test
  void seedShapedWriteAndReadTakeJson() {
    HttpCluster.Response w =
        cluster.send(follower, "POST", "/write", "{\"key\": \"seed\", \"value\": \"one\"}");
    assertThat(w.status()).isEqualTo(200);
    for (String consistency : List.of("strong", "session", "eventual")) {
      HttpCluster.Response r =
          cluster.send(
              follower,
              "POST",
              "/read",
              "{\"key\": \"seed\", \"consistency\": \""
                  + consistency
                  + "\", \"session\": "
                  + w.sessionSlot()
                  + "}");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().get("consistency").asText()).isEqualTo(consistency);
      if (!consistency.equals("eventual")) {
        assertThat(r.body().get("value").asText()).isEqualTo("one");
      }
    }
  }

  @Test
  void compareAndSetSwapsOnlyOnTheExpectedValue() {
    HttpCluster.Response create =
        cluster.send(follower, "POST", "/kv/counter/cas", "{\"expected\": null, \"value\": \"1\"}");
    assertThat(create.status()).isEqualTo(200);
    assertThat(create.body().get("swapped").asBoolean()).isTrue();
    HttpCluster.Response again =
        cluster.send(leader, "POST", "/kv/counter/cas", "{\"value\": \"1\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.body().get("swapped").asBoolean()).isFalse();
    assertThat(again.body().get("current").asText()).isEqualTo("1");
    assertThat(again.body().get("error").asText()).contains("compare-and-set failed");
    HttpCluster.Response wrong =
        cluster.send(leader, "POST", "/kv/counter/cas", "{\"expected\": \"7\", \"value\": \"8\"}");
    assertThat(wrong.status()).isEqualTo(409);
    HttpCluster.Response swap =
        cluster.send(leader, "POST", "/kv/counter/cas", "{\"expected\": \"1\", \"value\": \"2\"}");
    assertThat(swap.status()).isEqualTo(200);
    assertThat(swap.body().get("previous").asText()).isEqualTo("1");
    assertThat(cluster.get(follower, "/kv/counter").body().get("value").asText()).isEqualTo("2");
    HttpCluster.Response absent =
        cluster.send(
            leader, "POST", "/kv/nothing-here/cas", "{\"expected\": \"1\", \"value\": \"2\"}");
    assertThat(absent.status()).isEqualTo(409);
    assertThat(absent.body().get("current").isNull()).isTrue();
  }

  @Test
  void prefixScansPageInKeyOrder() {
    for (String k : List.of("scan/3", "scan/1", "scan/2", "scan/10", "scanx")) {
      put(leader, k, "v-" + k);
    }
    HttpCluster.Response page = cluster.get(follower, "/kv?prefix=scan/&limit=2");
    assertThat(page.status()).isEqualTo(200);
    assertThat(keys(page.body())).containsExactly("scan/1", "scan/10");
    assertThat(page.body().get("more").asBoolean()).isTrue();
    assertThat(page.body().get("entries").get(0).get("value").asText()).isEqualTo("v-scan/1");
    HttpCluster.Response next = cluster.get(follower, "/kv?prefix=scan/&limit=2&after=scan/10");
    assertThat(keys(next.body())).containsExactly("scan/2", "scan/3");
    assertThat(next.body().get("more").asBoolean()).isFalse();
    HttpCluster.Response eventual =
        cluster.get(follower, "/kv?prefix=scan&limit=1000&consistency=eventual");
    assertThat(eventual.status()).isEqualTo(200);
    assertThat(cluster.get(follower, "/kv?prefix=none-such").body().get("entries")).isEmpty();
  }

  @Test
  void refusedRequestsAnswer4xxJsonAndWriteNothing() {
    put(leader, "sentinel", "x");
    KeyValueStore store = cluster.stores.get(leader);
    cluster.get(leader, "/kv/sentinel?consistency=strong"); // every write before is applied here
    String before = store.stateHash();
    int max = HttpCluster.FAST.maxCommandBytes();
    String atLimit = "k".repeat(KvCommand.MAX_KEY_BYTES);
    String overLimit = "k".repeat(KvCommand.MAX_KEY_BYTES + 1);
    List<Object[]> refusals = new ArrayList<>();
    refusals.add(req("POST", "/write", "{\"key\": \"a\", ", 400, "malformed JSON"));
    refusals.add(req("POST", "/write", "", 400, "needs a JSON object body"));
    refusals.add(req("POST", "/write", "[1, 2]", 400, "must be a JSON object"));
    refusals.add(req("POST", "/write", "{\"value\": \"v\"}", 400, "field 'key' is missing"));
    refusals.add(req("POST", "/write", "{\"key\": \"a\"}", 400, "field 'value'"));
    refusals.add(req("POST", "/write", "{\"key\": 5, \"value\": \"v\"}", 400, "must be a string"));
    refusals.add(
        req(
            "POST",
            "/write",
            "{\"key\": \"a\", \"key\": \"b\", \"value\": \"v\"}",
            400,
            "Duplicate"));
    refusals.add(req("POST", "/write", "{\"key\": \"a\", \"value\": \"v\"} {}", 400, "malformed"));
    refusals.add(
        req("POST", "/write", "{\"key\": \"\", \"value\": \"v\"}", 400, "must not be empty"));
    refusals.add(
        req(
            "POST",
            "/write",
            "{\"key\": \"\\ud800\", \"value\": \"v\"}",
            400,
            "not valid Unicode"));
    refusals.add(
        req(
            "POST",
            "/write",
            "{\"key\": \"" + overLimit + "\", \"value\": \"v\"}",
            413,
            "over the limit of " + KvCommand.MAX_KEY_BYTES));
    refusals.add(req("PUT", "/kv/" + overLimit, "v", 413, "over the limit"));
    refusals.add(
        req("PUT", "/kv/too-big", "v".repeat(max), 413, "over this cluster's limit of " + max));
    refusals.add(
        req("POST", "/write", "{\"key\": \"b\", \"value_base64\": \"!!\"}", 400, "not base64"));
    refusals.add(
        req(
            "POST",
            "/write",
            "{\"key\": \"b\", \"value\": \"x\", \"value_base64\": \"eA==\"}",
            400,
            "not both"));
    refusals.add(req("PUT", "/kv/%FF%FE", "v", 400, "not valid UTF-8"));
    refusals.add(req("POST", "/kv/c/cas", "{\"expected\": \"x\"}", 400, "field 'value'"));
    refusals.add(req("POST", "/kv/c/cas", "", 400, "needs a JSON object body"));
    refusals.add(req("PUT", "/kv", "v", 404, "no such endpoint"));
    for (Object[] r : refusals) {
      HttpCluster.Response resp =
          cluster.send(
              follower,
              (String) r[0],
              (String) r[1],
              ((String) r[2]).getBytes(StandardCharsets.UTF_8));
      assertThat(resp.status()).as(r[0] + " " + r[1] + " " + r[2]).isEqualTo(r[3]);
      assertThat(resp.body().get("error").asText()).as(r[1] + " " + r[2]).contains((String) r[4]);
    }
    // Invalid UTF-8 inside a JSON body.
    byte[] badUtf8 = {'{', '"', 'k', 'e', 'y', '"', ':', '"', (byte) 0xC3, '"', '}'};
    HttpCluster.Response bad = cluster.send(follower, "POST", "/write", badUtf8);
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().get("error").asText()).contains("malformed JSON");

    cluster.get(leader, "/kv/sentinel?consistency=strong");
    assertThat(store.stateHash()).as("nothing was written").isEqualTo(before);
    for (String key : List.of("a", "b", "too-big", "c")) {
      assertThat(store.get(key)).as(key).isEmpty();
    }
    // The limits themselves are accepted.
    assertThat(put(leader, atLimit, "at the limit").status()).isEqualTo(200);
    String value = "v".repeat(max - 1 - 2 - "fits".length() - 2);
    assertThat(cluster.send(leader, "PUT", "/kv/fits", value).status()).isEqualTo(200);
  }

  @Test
  void badReadParametersAre400() {
    List<Object[]> refusals =
        List.of(
            req("GET", "/kv/x?consistency=linearish", "", 400, "unknown consistency 'linearish'"),
            req("GET", "/kv?consistency=", "", 400, "unknown consistency"),
            req("POST", "/read", "{\"key\":\"x\",\"consistency\":\"bogus\"}", 400, "strong"),
            req("POST", "/read", "{\"consistency\":\"strong\"}", 400, "field 'key' is missing"),
            req("GET", "/kv?limit=0", "", 400, "between 1 and 1000"),
            req("GET", "/kv?limit=-1", "", 400, "between 1 and 1000"),
            req("GET", "/kv?limit=1001", "", 400, "between 1 and 1000"),
            req("GET", "/kv?limit=99999999999999999999", "", 400, "between 1 and 1000"),
            req("GET", "/kv?limit=ten", "", 400, "between 1 and 1000"),
            req("GET", "/kv/x?session=abc", "", 400, "not a slot number"),
            req("GET", "/kv/x?session=-1", "", 400, "not a slot number"),
            req("POST", "/read", "{\"key\":\"x\",\"session\":[1]}", 400, "must be a slot number"));
    for (Object[] r : refusals) {
      HttpCluster.Response resp =
          cluster.send(
              follower,
              (String) r[0],
              (String) r[1],
              ((String) r[2]).getBytes(StandardCharsets.UTF_8));
      assertThat(resp.status()).as(r[0] + " " + r[1]).isEqualTo(r[3]);
      assertThat(resp.body().get("error").asText()).as(r[1] + " " + r[2]).contains((String) r[4]);
    }
    HttpCluster.Response header =
        cluster.get(follower, "/kv/x", "Paxos-Session", "9223372036854775808");
    assertThat(header.status()).isEqualTo(400);
    assertThat(header.body().get("consistencies")).isNull();
    HttpCluster.Response listed = cluster.get(follower, "/kv/x?consistency=nope");
    assertThat(listed.body().get("consistencies").toString())
        .isEqualTo("[\"strong\",\"lease\",\"session\",\"eventual\"]");
  }

  @Test
  void extraRoutesAreServed() {
    HttpCluster.Response extra = cluster.get(leader, "/extra");
    assertThat(extra.status()).isEqualTo(200);
    assertThat(extra.text()).isEqualTo("extra route");
  }

  private static List<String> keys(JsonNode body) {
    List<String> keys = new ArrayList<>();
    body.get("entries").forEach(e -> keys.add(e.get("key").asText()));
    return keys;
  }

  private static Object[] req(String method, String path, String body, int status, String error) {
    return new Object[] {method, path, body, status, error};
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
