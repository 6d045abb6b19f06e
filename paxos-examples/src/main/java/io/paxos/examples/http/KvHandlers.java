package io.paxos.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.paxos.core.SlotResult;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The key-value endpoints: {@code GET|PUT|DELETE /kv/{key}}, {@code POST /kv/{key}/cas}, {@code GET
 * /kv?prefix=&after=&limit=}, {@code POST /write} and {@code POST /read}, plus {@code /health} and
 * {@code /status}. Every request is checked in full before anything is submitted, so a refused
 * request writes nothing.
 *
 * <p><b>Threading.</b> Handlers run on the server's request threads and never block: they hand the
 * command or read to the node and finish the response when its future completes, on the {@code
 * responders} executor (never on the node's threads).
 */
final class KvHandlers {
  private static final String WRITE_EXAMPLE = "{\"key\": \"greeting\", \"value\": \"hello\"}";
  private static final String READ_EXAMPLE = "{\"key\": \"greeting\", \"consistency\": \"strong\"}";
  private static final String CAS_EXAMPLE = "{\"expected\": \"old\", \"value\": \"new\"}";

  private final PaxosNode node;
  private final HttpOptions options;
  private final NodeStatusView view;
  private final Failures failures;
  private final ObjectMapper json;
  private final Executor responders;

  KvHandlers(
      PaxosNode node,
      HttpOptions options,
      NodeStatusView view,
      ObjectMapper json,
      Executor responders) {
    this.node = node;
    this.options = options;
    this.view = view;
    this.failures = new Failures(view);
    this.json = json;
    this.responders = responders;
  }

  Failures failures() {
    return failures;
  }

  void register(Javalin app) {
    app.get("/health", this::health);
    app.get("/status", ctx -> write(ctx, new Reply(200).putAll(view.statusBody())));
    app.get("/kv", this::scan);
    app.get("/kv/<key>", ctx -> get(ctx, pathKey(ctx, ""), ctx.queryParam("consistency"), null));
    app.put("/kv/<key>", ctx -> put(ctx, pathKey(ctx, ""), ctx.bodyAsBytes()));
    app.delete("/kv/<key>", this::delete);
    app.post("/kv/<key>/cas", this::cas);
    app.post("/write", this::writeJson);
    app.post("/read", this::readJson);
    new MembersHandlers(node, this, view, json).register(app);
  }

  private void health(Context ctx) {
    NodeStatusView.Health h = view.health();
    write(ctx, new Reply(h.serving() ? 200 : 503).putAll(view.healthBody()));
  }

  // ---- writes

  private void put(Context ctx, String key, byte[] value) {
    KvCommand command = command(() -> KvCommand.put(key, value));
    submit(
        ctx,
        command,
        result -> new Reply(200).put("key", key).value("previous", found(result, "PUT")));
  }

  private void writeJson(Context ctx) {
    JsonNode body = Requests.objectBody(ctx, json, WRITE_EXAMPLE);
    String key = checkKey(Requests.requiredText(body, "key", WRITE_EXAMPLE));
    byte[] value =
        Requests.value(body, "value")
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "field 'value' (or 'value_base64') is missing, e.g. " + WRITE_EXAMPLE));
    put(ctx, key, value);
  }

  private void delete(Context ctx) {
    String key = pathKey(ctx, "");
    KvCommand command = command(() -> KvCommand.delete(key));
    submit(
        ctx,
        command,
        result -> {
          byte[] previous = found(result, "DELETE");
          return new Reply(200)
              .put("key", key)
              .put("deleted", previous != null)
              .value("previous", previous);
        });
  }

  private void cas(Context ctx) {
    String key = pathKey(ctx, "/cas");
    JsonNode body = Requests.objectBody(ctx, json, CAS_EXAMPLE);
    Optional<byte[]> expected = Requests.value(body, "expected");
    byte[] value =
        Requests.value(body, "value")
            .orElseThrow(
                () ->
                    ApiException.badRequest(
                        "field 'value' (or 'value_base64') is missing, e.g. "
                            + CAS_EXAMPLE
                            + " (\"expected\": null or left out: the key must be absent)"));
    KvCommand command = command(() -> KvCommand.cas(key, expected, value));
    submit(
        ctx,
        command,
        result -> {
          if (!(result instanceof KvResult.CasOutcome outcome)) {
            throw unexpected(result, "CAS");
          }
          byte[] previous = outcome.previous().orElse(null);
          if (outcome.swapped()) {
            return new Reply(200).put("key", key).put("swapped", true).value("previous", previous);
          }
          return new Reply(409)
              .put(
                  "error",
                  previous == null
                      ? "compare-and-set failed: key '" + key + "' is absent"
                      : "compare-and-set failed: key '" + key + "' holds another value")
              .put("key", key)
              .put("swapped", false)
              .value("current", previous);
        });
  }

  /** Submit a checked command; {@code answer} turns its result into the reply. */
  private void submit(Context ctx, KvCommand command, Function<KvResult, Reply> answer) {
    byte[] bytes = command.encode();
    int max = node.options().maxCommandBytes();
    if (bytes.length > max) {
      throw new ApiException(
          413,
          "the key and value take "
              + bytes.length
              + " bytes as a command, over this cluster's limit of "
              + max
              + " bytes (maxCommandBytes)",
          Map.of("max_command_bytes", max));
    }
    CompletableFuture<Reply> reply =
        node.submitWithSlot(bytes).thenApply(r -> answer.apply(decode(r)).session(r.slot()));
    respond(ctx, reply, true);
  }

  // ---- reads

  private void readJson(Context ctx) {
    JsonNode body = Requests.objectBody(ctx, json, READ_EXAMPLE);
    String key = checkKey(Requests.requiredText(body, "key", READ_EXAMPLE));
    get(ctx, key, Requests.text(body, "consistency").orElse(null), body);
  }

  private void get(Context ctx, String key, String consistency, JsonNode body) {
    ReadConsistency c = ReadConsistency.parse(consistency, ReadConsistency.STRONG);
    long token = Requests.session(ctx, body);
    KvCommand query = command(() -> KvCommand.get(key));
    read(
        ctx,
        query,
        c,
        token,
        result -> {
          byte[] value = found(result, "GET");
          if (value == null) {
            return new Reply(404)
                .put("error", "key '" + key + "' not found")
                .put("key", key)
                .put("consistency", c.wireName());
          }
          return new Reply(200)
              .put("key", key)
              .value("value", value)
              .put("consistency", c.wireName());
        });
  }

  private void scan(Context ctx) {
    String prefix = Optional.ofNullable(ctx.queryParam("prefix")).orElse("");
    Optional<String> after = Optional.ofNullable(ctx.queryParam("after")).filter(a -> !a.isEmpty());
    int limit = Requests.limit(ctx, "limit", options.defaultScanLimit(), KvCommand.MAX_SCAN_LIMIT);
    ReadConsistency c =
        ReadConsistency.parse(ctx.queryParam("consistency"), ReadConsistency.STRONG);
    long token = Requests.session(ctx, null);
    if (!prefix.isEmpty()) {
      checkKey(prefix);
    }
    after.ifPresent(this::checkKey);
    KvCommand query = command(() -> KvCommand.scan(prefix, after, limit));
    read(
        ctx,
        query,
        c,
        token,
        result -> {
          if (!(result instanceof KvResult.Entries entries)) {
            throw unexpected(result, "SCAN");
          }
          List<Map<String, Object>> list = new ArrayList<>();
          for (KvResult.Entry e : entries.entries()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("key", e.key());
            Reply.putValue(entry, "value", e.value());
            list.add(entry);
          }
          return new Reply(200)
              .put("prefix", prefix)
              .put("entries", list)
              .put("more", entries.more())
              .put("consistency", c.wireName());
        });
  }

  /**
   * Read at consistency {@code c}; a session read waits (boundedly) for this node to apply the
   * client's {@code token}. The reply carries the newer of the token and the slot read at.
   */
  private void read(
      Context ctx,
      KvCommand query,
      ReadConsistency c,
      long token,
      Function<KvResult, Reply> answer) {
    long minSlot = c == ReadConsistency.EVENTUAL ? 0 : token;
    CompletableFuture<SlotResult> result;
    try {
      result = node.read(query.encode(), c.core(), minSlot);
    } catch (IllegalStateException noLearner) {
      throw new ApiException(503, noLearner.getMessage(), Map.of("learners", view.learners()));
    }
    if (minSlot > node.status().appliedSlot()) {
      result =
          within(
              result,
              options.sessionWait(),
              () ->
                  failures.unavailable(
                      "node "
                          + node.id()
                          + " has not applied slot "
                          + minSlot
                          + " of your session within "
                          + options.sessionWait().toMillis()
                          + " ms (it has applied through "
                          + node.status().appliedSlot()
                          + "); retry, or read at another node"));
    }
    respond(
        ctx,
        result.thenApply(r -> answer.apply(decode(r)).session(Math.max(token, r.slot()))),
        false);
  }

  // ---- responses

  /** Finish the response with {@code reply} when it completes, bounded by the request timeout. */
  void respond(Context ctx, CompletableFuture<Reply> reply, boolean write) {
    CompletableFuture<Reply> bounded =
        reply.orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
    ctx.future(
        () ->
            bounded.handleAsync(
                (r, error) -> {
                  write(ctx, error == null ? r : Reply.of(failures.of(error, write)));
                  return null;
                },
                responders));
  }

  void write(Context ctx, Reply reply) {
    ctx.status(reply.status);
    if (reply.session >= 0) {
      ctx.header(Requests.SESSION_HEADER, Long.toString(reply.session));
    }
    try {
      ctx.contentType("application/json").result(json.writeValueAsBytes(reply.body));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("cannot write a reply as JSON", e);
    }
  }

  /** {@code future}, failed with {@code onTimeout}'s error if it has not completed in {@code d}. */
  private static <T> CompletableFuture<T> within(
      CompletableFuture<T> future,
      Duration d,
      java.util.function.Supplier<ApiException> onTimeout) {
    return future
        .orTimeout(d.toMillis(), TimeUnit.MILLISECONDS)
        .handle(
            (v, e) -> {
              if (e == null) {
                return v;
              }
              Throwable cause = Failures.unwrap(e);
              throw new CompletionException(
                  cause instanceof TimeoutException ? onTimeout.get() : cause);
            });
  }

  // ---- checks

  private String pathKey(Context ctx, String suffix) {
    return checkKey(Requests.pathKey(ctx, "/kv/", suffix));
  }

  /** Refuse an empty key (400) or one over the limit (413) before anything is sent. */
  private String checkKey(String key) {
    if (key.isEmpty()) {
      throw ApiException.badRequest("the key must not be empty");
    }
    int bytes = key.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > KvCommand.MAX_KEY_BYTES) {
      throw new ApiException(
          413,
          "the key takes "
              + bytes
              + " bytes of UTF-8, over the limit of "
              + KvCommand.MAX_KEY_BYTES,
          Map.of("max_key_bytes", KvCommand.MAX_KEY_BYTES));
    }
    return key;
  }

  /** Build a command, turning the store's refusal (a key that is not valid Unicode...) into 400. */
  private static KvCommand command(java.util.function.Supplier<KvCommand> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  private static KvResult decode(SlotResult r) {
    return KvResult.decode(r.result());
  }

  /** The value of a FOUND, null for NOT_FOUND; anything else is the store refusing. */
  private static byte[] found(KvResult result, String what) {
    if (result instanceof KvResult.Found f) {
      return f.value();
    }
    if (result instanceof KvResult.NotFound) {
      return null;
    }
    throw unexpected(result, what);
  }

  private static ApiException unexpected(KvResult result, String what) {
    return new ApiException(500, "the store answered " + what + " with " + result);
  }
}
