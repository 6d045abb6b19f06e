package io.paxos.examples.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.paxos.core.runtime.PaxosNode;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of one node of the replicated key-value store ({@link
 * io.paxos.examples.kv.KeyValueStore}): health, status, reads at a chosen consistency and writes,
 * served by Javalin with JSON bodies.
 *
 * <pre>{@code
 * try (KvHttpApi api = new KvHttpApi(node, HttpOptions.defaults()
 *     .withHttpAddresses(Map.of(1, "10.0.0.1:8080", 2, "10.0.0.2:8080", 3, "10.0.0.3:8080")))) {
 *   int port = api.start("0.0.0.0", 8080);
 *   ...
 * }
 * }</pre>
 *
 * <p>Endpoints: {@code GET /health}, {@code GET /status}, {@code GET|PUT|DELETE /kv/{key}}, {@code
 * POST /kv/{key}/cas}, {@code GET /kv?prefix=&after=&limit=}, {@code POST /write}, {@code POST
 * /read}, {@code GET|POST /members} (the membership; {@code MembersHandlers}). Reads take {@code
 * consistency} = {@code strong} (default), {@code session} or {@code eventual} ({@link
 * ReadConsistency}); every answer to a read or write carries a session token, the slot the client
 * has now seen, in the {@code Paxos-Session} header and the {@code session} field, which a later
 * session read at any node waits for. Errors are JSON {@code {"error": ...}}: 4xx for the caller's
 * mistakes (nothing is written), 503 when this node cannot serve now (with the leader's id and HTTP
 * address when known), 504 when a write's outcome is unknown.
 *
 * <p>The node must host the {@code KeyValueStore} (or no state machine, on a node without a
 * learner: it then takes writes, forwarded to the leader, but answers reads with 503 and the
 * learners' addresses). The API does not own the node: {@link #close()} stops the server only.
 *
 * <p><b>Threading.</b> {@link #start} and {@link #close} are for one thread (the server's owner);
 * requests are served on Javalin's threads, which never block on the node.
 */
public final class KvHttpApi implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KvHttpApi.class);

  private final PaxosNode node;
  private final HttpOptions options;
  private final ObjectMapper json;
  private final ExecutorService responders;
  private final KvHandlers handlers;
  private final NodeStatusView view;
  private Javalin app;

  public KvHttpApi(PaxosNode node, HttpOptions options) {
    this.node = Objects.requireNonNull(node, "node");
    this.options = Objects.requireNonNull(options, "options");
    this.json =
        new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    AtomicInteger threads = new AtomicInteger();
    this.responders =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "paxos-http-" + node.id() + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.view = new NodeStatusView(node, options.httpAddresses());
    this.handlers = new KvHandlers(node, options, view, json, responders);
  }

  /**
   * Listen on {@code host}:{@code port} (0: an ephemeral port) and serve.
   *
   * @return the port bound
   * @throws IllegalStateException if started before, or the port cannot be bound (the message says
   *     which)
   */
  public int start(String host, int port) {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
    }
    if (app != null) {
      throw new IllegalStateException("this HTTP API is already started");
    }
    long maxBody = Math.max(1L << 20, 6L * node.options().maxCommandBytes() + (64 << 10));
    Javalin created =
        Javalin.create(
            config -> {
              config.showJavalinBanner = false;
              config.startupWatcherEnabled = false;
              config.http.maxRequestSize = maxBody; // a value escaped as JSON takes up to 6x
              config.jsonMapper(new JavalinJackson(json, false));
            });
    created.exception(ApiException.class, (e, ctx) -> handlers.write(ctx, Reply.of(e)));
    created.exception(
        HttpResponseException.class,
        (e, ctx) ->
            handlers.write(
                ctx,
                Reply.of(
                    e.getStatus() == 404
                        ? notFound(ctx.method() + " " + ctx.path())
                        : new ApiException(e.getStatus(), e.getMessage()))));
    created.exception(
        Exception.class,
        (e, ctx) -> {
          log.warn("HTTP request {} {} failed", ctx.method(), ctx.path(), e);
          handlers.write(ctx, Reply.of(new ApiException(500, "internal error: " + e)));
        });
    handlers.register(created);
    for (HttpRoutes routes : options.routes()) {
      routes.register(created);
    }
    try {
      created.start(host, port);
    } catch (RuntimeException e) {
      created.stop();
      throw new IllegalStateException(
          "cannot serve HTTP on " + host + ":" + port + ": " + rootMessage(e), e);
    }
    app = created;
    log.info("node {} serves HTTP on {}:{}", node.id(), host, app.port());
    return app.port();
  }

  /**
   * Replace the members' HTTP addresses given in the options ({@code host:port} by node id), for
   * example once servers on ephemeral ports know theirs. Any thread.
   */
  public void httpAddresses(Map<Integer, String> addresses) {
    view.httpAddresses(addresses);
  }

  /** The port bound, once started. */
  public int port() {
    if (app == null) {
      throw new IllegalStateException("not started");
    }
    return app.port();
  }

  /** Stop serving (the node goes on). Idempotent. */
  @Override
  public void close() {
    if (app != null) {
      app.stop();
    }
    responders.shutdownNow();
  }

  private static ApiException notFound(String request) {
    return new ApiException(
        404,
        "no such endpoint: " + request,
        Map.of(
            "endpoints",
            java.util.List.of(
                "GET /health",
                "GET /status",
                "GET|PUT|DELETE /kv/{key}",
                "POST /kv/{key}/cas",
                "GET /kv?prefix=&after=&limit=",
                "POST /write",
                "POST /read",
                "GET|POST /members")));
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
