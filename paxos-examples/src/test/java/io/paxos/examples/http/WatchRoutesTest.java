package io.paxos.examples.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.examples.kv.KvCommand;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /subscribe} and {@code /unsubscribe} over real HTTP: a server-sent event stream of
 * the matching keys' changes (only real changes), ended by unsubscribing; malformed requests get a
 * 400 JSON error.
 */
class WatchRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PaxosNode node;
  private KvHttpApi api;
  private String base;

  /** One server-sent event. */
  private record Event(String name, JsonNode data) {}

  @BeforeEach
  void start() {
    node =
        PaxosNode.builder()
            .config(ClusterConfig.of("sse", 1))
            .nodeId(1)
            .transport(new InMemoryNetwork().transport(1))
            .stateMachine(new KeyValueStore())
            .options(HttpCluster.FAST)
            .watchHistory(new WatchOptions(1000, 1 << 20))
            .build();
    api = new KvHttpApi(node, HttpOptions.defaults().withRoutes(new WatchRoutes(node)::register));
    base = "http://127.0.0.1:" + api.start("127.0.0.1", 0);
    await().atMost(Duration.ofSeconds(10)).until(node::isLeader);
  }

  @AfterEach
  void stop() {
    api.close();
    node.close();
  }

  private long write(KvCommand c) throws Exception {
    return node.submitWithSlot(c.encode()).get(10, TimeUnit.SECONDS).slot();
  }

  private HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(base + path))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Open a subscription; its events arrive in the queue, then an "eof" event. */
  private BlockingQueue<Event> subscribe(String body) throws Exception {
    HttpResponse<Stream<String>> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + "/subscribe"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .get()
        .asString()
        .startsWith("text/event-stream");
    BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    Thread reader =
        new Thread(
            () -> {
              String name = null;
              try (Stream<String> lines = r.body()) {
                for (String line : (Iterable<String>) lines::iterator) {
                  if (line.startsWith("event: ")) {
                    name = line.substring(7);
                  } else if (line.startsWith("data: ")) {
                    events.add(new Event(name, JSON.readTree(line.substring(6))));
                  }
                }
              } catch (Exception e) {
                events.add(new Event("failed", JSON.createObjectNode().put("error", e.toString())));
              }
              events.add(new Event("eof", JSON.createObjectNode()));
            });
    reader.setDaemon(true);
    reader.start();
    return events;
  }

  private static Event next(BlockingQueue<Event> events) throws InterruptedException {
    Event e = events.poll(10, TimeUnit.SECONDS);
    assertThat(e).as("an event within 10 s").isNotNull();
    return e;
  }

  @Test
  void streamsTheChangesOfMatchingKeysUntilUnsubscribed() throws Exception {
    long first = write(KvCommand.put("user1", "a"));
    write(KvCommand.put("other", "x"));
    long second = write(KvCommand.put("user2", "b"));

    BlockingQueue<Event> events = subscribe("{\"patterns\": [\"user*\"], \"from_slot\": 0}");
    Event hello = next(events);
    assertThat(hello.name()).isEqualTo("subscribed");
    String id = hello.data().get("subscription_id").asText();
    assertThat(id).isNotEmpty();
    assertThat(hello.data().get("from_slot").asLong()).isEqualTo(1);

    Event c1 = next(events);
    assertThat(c1.name()).isEqualTo("change");
    assertThat(c1.data().get("key").asText()).isEqualTo("user1");
    assertThat(c1.data().get("op").asText()).isEqualTo("put");
    assertThat(c1.data().get("deleted").asBoolean()).isFalse();
    assertThat(c1.data().get("value").asText()).isEqualTo("a");
    assertThat(c1.data().get("slot").asLong()).isEqualTo(first);
    Event c2 = next(events);
    assertThat(c2.data().get("key").asText()).isEqualTo("user2");
    assertThat(c2.data().get("slot").asLong()).isEqualTo(second);

    // live changes; those that change nothing are not reported
    write(KvCommand.delete("user9")); // missing: no change
    write(KvCommand.cas("user1", Optional.of("wrong".getBytes()), "z".getBytes())); // fails
    long deleted = write(KvCommand.delete("user1"));
    long binary = write(KvCommand.put("user3", new byte[] {0, (byte) 0xFF}));
    Event d = next(events);
    assertThat(d.data().get("op").asText()).isEqualTo("delete");
    assertThat(d.data().get("deleted").asBoolean()).isTrue();
    assertThat(d.data().get("key").asText()).isEqualTo("user1");
    assertThat(d.data().get("slot").asLong()).isEqualTo(deleted);
    assertThat(d.data().has("value")).isFalse();
    Event b = next(events);
    assertThat(b.data().get("slot").asLong()).isEqualTo(binary);
    assertThat(b.data().get("value_base64").asText()).isEqualTo("AP8=");

    HttpResponse<String> bye = post("/unsubscribe", "{\"subscription_id\": \"" + id + "\"}");
    assertThat(bye.statusCode()).isEqualTo(200);
    Event end = next(events);
    assertThat(end.name()).isEqualTo("end");
    assertThat(end.data().get("next_slot").asLong()).isGreaterThan(binary);
    assertThat(next(events).name()).as("the stream completes").isEqualTo("eof");

    HttpResponse<String> again = post("/unsubscribe", "{\"subscription_id\": \"" + id + "\"}");
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(again.body()).get("error").asText()).contains(id);
  }

  @Test
  void withoutFromSlotOnlyLaterChangesAreStreamed() throws Exception {
    write(KvCommand.put("k", "old"));
    BlockingQueue<Event> events = subscribe("{\"patterns\": [\"*\"]}");
    assertThat(next(events).name()).isEqualTo("subscribed");
    long slot = write(KvCommand.put("k", "new"));
    Event c = next(events);
    assertThat(c.data().get("value").asText()).isEqualTo("new");
    assertThat(c.data().get("slot").asLong()).isEqualTo(slot);
  }

  @Test
  void aSlotNoLongerRetainedIsRefusedWithTheOldestAvailable() throws Exception {
    api.close();
    node.close();
    node =
        PaxosNode.builder()
            .config(ClusterConfig.of("sse", 1))
            .nodeId(1)
            .transport(new InMemoryNetwork().transport(1))
            .stateMachine(new KeyValueStore())
            .options(HttpCluster.FAST)
            .watchHistory(new WatchOptions(2, 1 << 20))
            .build();
    api = new KvHttpApi(node, HttpOptions.defaults().withRoutes(new WatchRoutes(node)::register));
    base = "http://127.0.0.1:" + api.start("127.0.0.1", 0);
    await().atMost(Duration.ofSeconds(10)).until(node::isLeader);
    for (int i = 0; i < 5; i++) {
      write(KvCommand.put("k" + i, "v"));
    }
    HttpResponse<String> r = post("/subscribe", "{\"patterns\": [\"*\"], \"from_slot\": 1}");
    assertThat(r.statusCode()).isEqualTo(410);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("oldest_slot").asLong()).isEqualTo(node.oldestWatchableSlot());
    assertThat(body.get("error").asText()).contains("resume from slot");
  }

  @Test
  void malformedRequestsGetA400JsonError() throws Exception {
    List<String> bad = new ArrayList<>();
    bad.add("");
    bad.add("not json");
    bad.add("[]");
    bad.add("{}");
    bad.add("{\"patterns\": \"user*\"}");
    bad.add("{\"patterns\": []}");
    bad.add("{\"patterns\": [\"\"]}");
    bad.add("{\"patterns\": [7]}");
    bad.add("{\"patterns\": [\"*\"], \"from_slot\": -1}");
    bad.add("{\"patterns\": [\"*\"], \"from_slot\": \"1\"}");
    bad.add("{\"patterns\": [\"*\"], \"from_slot\": 1.5}");
    bad.add("{\"patterns\": [\"*\"], \"from_slot\": 9223372036854775808}");
    bad.add("{\"patterns\": [\"*\"], \"form_slot\": 1}");
    for (String body : bad) {
      HttpResponse<String> r = post("/subscribe", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("error").asText()).as(body).isNotEmpty();
    }
    for (String body : List.of("", "{}", "{\"subscription_id\": 5}")) {
      HttpResponse<String> r = post("/unsubscribe", body);
      assertThat(r.statusCode()).as(body).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("error").asText()).isNotEmpty();
    }
    // the largest slot is valid: it waits for that slot
    CompletableFuture<HttpResponse<Stream<String>>> far =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create(base + "/subscribe"))
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"patterns\": [\"*\"], \"from_slot\": 9223372036854775807}"))
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    assertThat(far.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    far.get().body().close();
  }
}
