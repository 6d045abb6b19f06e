package io.paxos.examples.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The web console of a key-value node: a page at {@code GET /} (HTML, CSS and JavaScript shipped in
 * the jar under {@code io/paxos/examples/console/}, nothing fetched from elsewhere), and {@code GET
 * /cluster}, every member's {@code /status} gathered by this node so that the page needs one
 * request per refresh.
 *
 * <p>The page also reads and writes at other members (to show a session token honoured at another
 * node), which a browser allows only if those members answer with CORS headers for this page's
 * origin: {@link CrossMemberOrigins} gives them to the members' own HTTP origins, and to no one
 * else.
 *
 * <p>Thread-safe: requests are served on Javalin's threads; the member fetches are asynchronous.
 */
public final class ConsoleRoutes {
  /** How long {@code /cluster} waits for a member's status before showing it unreachable. */
  static final Duration MEMBER_TIMEOUT = Duration.ofMillis(800);

  private static final Map<String, String> FILES =
      Map.of(
          "index.html", "text/html; charset=utf-8",
          "console.js", "text/javascript; charset=utf-8",
          "console.css", "text/css; charset=utf-8");

  private final int nodeId;
  private final Map<Integer, String> httpAddresses;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();

  /**
   * @param nodeId the node serving the console
   * @param httpAddresses every member's HTTP address ({@code host:port}) by id; members without one
   *     are shown without status
   */
  public ConsoleRoutes(int nodeId, Map<Integer, String> httpAddresses) {
    this.nodeId = nodeId;
    this.httpAddresses = Map.copyOf(Objects.requireNonNull(httpAddresses, "httpAddresses"));
    this.http = HttpClient.newBuilder().connectTimeout(MEMBER_TIMEOUT).build();
  }

  /** Add the page, its files, {@code /cluster} and the members' CORS rules to {@code app}. */
  public void register(Javalin app) {
    new CrossMemberOrigins(httpAddresses.values()).register(app);
    app.get("/", ctx -> file(ctx, "index.html"));
    app.get("/console/{file}", ctx -> file(ctx, ctx.pathParam("file")));
    app.get("/cluster", this::cluster);
  }

  private void file(Context ctx, String name) {
    String type = FILES.get(name);
    if (type == null) {
      ctx.status(404).json(Map.of("error", "no such console file: " + name));
      return;
    }
    try (InputStream in = ConsoleRoutes.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("console file " + name + " is missing from the jar");
      }
      ctx.contentType(type).header("Cache-Control", "no-cache").result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code {"node": self, "members": [{"id", "http", "reachable", "status"|"error"}]}}, in id
   * order; a member that does not answer within {@link #MEMBER_TIMEOUT} is unreachable.
   */
  private void cluster(Context ctx) {
    Map<Integer, CompletableFuture<Map<String, Object>>> pending = new TreeMap<>();
    for (Map.Entry<Integer, String> e : httpAddresses.entrySet()) {
      pending.put(e.getKey(), memberStatus(e.getKey(), e.getValue()));
    }
    ctx.future(
        () ->
            CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
                .thenApply(
                    done -> {
                      List<Map<String, Object>> members = new ArrayList<>();
                      for (CompletableFuture<Map<String, Object>> f : pending.values()) {
                        members.add(f.join());
                      }
                      Map<String, Object> body = new LinkedHashMap<>();
                      body.put("node", nodeId);
                      body.put("members", members);
                      ctx.json(body);
                      return body;
                    }));
  }

  private CompletableFuture<Map<String, Object>> memberStatus(int id, String address) {
    Map<String, Object> member = new LinkedHashMap<>();
    member.put("id", id);
    member.put("http", address);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + address + "/status"))
            .timeout(MEMBER_TIMEOUT)
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              JsonNode status = parse(response.body());
              member.put("reachable", status != null);
              if (status != null) {
                member.put("status", status);
              } else {
                member.put("error", "HTTP " + response.statusCode() + " without a status");
              }
              return member;
            })
        .exceptionally(
            e -> {
              member.put("reachable", false);
              member.put("error", rootMessage(e));
              return member;
            });
  }

  private JsonNode parse(String body) {
    try {
      JsonNode node = json.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
  }
}
