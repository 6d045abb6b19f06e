package io.paxos.examples.http;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.runtime.PaxosNodeBuilder;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.examples.kv.KeyValueStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Nodes of the key-value store in this JVM over the in-memory network, each with a {@link
 * KvHttpApi} on an ephemeral port of 127.0.0.1, and an HTTP client to drive them.
 */
final class HttpCluster implements AutoCloseable {
  static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(50, 1000, 2000, 100).withMaxCommandBytes(8192);

  final InMemoryNetwork network = new InMemoryNetwork();
  final Map<Integer, PaxosNode> nodes = new LinkedHashMap<>();
  final Map<Integer, KeyValueStore> stores = new LinkedHashMap<>();
  final Map<Integer, KvHttpApi> apis = new LinkedHashMap<>();
  final Map<Integer, String> addresses = new LinkedHashMap<>();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** A response: status, the session header if any, and the body as JSON (null if none). */
  record Response(int status, Optional<String> session, JsonNode body, String text) {
    long sessionSlot() {
      return Long.parseLong(session.orElseThrow());
    }
  }

  HttpCluster(ClusterConfig config, HttpOptions options) {
    try {
      for (int id : config.ids()) {
        PaxosNodeBuilder b =
            PaxosNode.builder()
                .config(config)
                .nodeId(id)
                .transport(network.transport(id))
                .options(FAST)
                .commandTimeout(Duration.ofSeconds(10));
        if (config.member(id).orElseThrow().has(Role.LEARNER)) {
          KeyValueStore store = new KeyValueStore();
          stores.put(id, store);
          b.stateMachine(store);
        }
        PaxosNode node = b.build();
        nodes.put(id, node);
        KvHttpApi api = new KvHttpApi(node, options);
        apis.put(id, api);
        addresses.put(id, "127.0.0.1:" + api.start("127.0.0.1", 0));
      }
      apis.values().forEach(a -> a.httpAddresses(addresses));
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /** Wait until one node leads and every node knows it. */
  PaxosNode awaitAgreedLeader() {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              PaxosNode leader =
                  nodes.values().stream().filter(PaxosNode::isLeader).findFirst().orElse(null);
              boolean agreed =
                  leader != null
                      && nodes.values().stream()
                          .allMatch(n -> n.leaderId().orElse(0) == leader.id());
              return agreed ? leader : null;
            },
            n -> n != null);
  }

  /** A node other than {@code leader} that hosts a learner. */
  PaxosNode follower(PaxosNode leader) {
    return nodes.values().stream()
        .filter(n -> n != leader && stores.containsKey(n.id()))
        .findFirst()
        .orElseThrow();
  }

  Response send(int node, String method, String path, String body, String... headers) {
    return send(node, method, path, body == null ? null : body.getBytes(), headers);
  }

  Response send(int node, String method, String path, byte[] body, String... headers) {
    try {
      return sendAsync(node, method, path, body, headers).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  CompletableFuture<Response> sendAsync(
      int node, String method, String path, byte[] body, String... headers) {
    HttpRequest.Builder r =
        HttpRequest.newBuilder(URI.create("http://" + addresses.get(node) + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    for (int i = 0; i < headers.length; i += 2) {
      r.header(headers[i], headers[i + 1]);
    }
    return http.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString())
        .thenApply(
            resp -> {
              JsonNode parsed;
              try {
                parsed = resp.body().isEmpty() ? null : json.readTree(resp.body());
              } catch (IOException e) {
                parsed = null; // not JSON: the text is there
              }
              return new Response(
                  resp.statusCode(),
                  resp.headers().firstValue("Paxos-Session"),
                  parsed,
                  resp.body());
            });
  }

  Response get(int node, String path, String... headers) {
    return send(node, "GET", path, (byte[]) null, headers);
  }

  @Override
  public void close() {
    for (KvHttpApi api : apis.values()) {
      api.close();
    }
    for (PaxosNode n : nodes.values()) {
      n.close();
    }
  }

  static List<Integer> ids(Map<Integer, ?> m) {
    return List.copyOf(m.keySet());
  }
}
