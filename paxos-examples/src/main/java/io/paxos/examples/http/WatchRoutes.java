package io.paxos.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.paxos.core.AppliedSlot;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.kv.KeyPatterns;
import io.paxos.examples.kv.KvChange;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Key watches over HTTP: {@code POST /subscribe {"patterns": ["user*"], "from_slot": N}} answers
 * with a server-sent event stream of the changes of matching keys, read from the node's watch
 * history ({@link PaxosNode#watch}); {@code POST /unsubscribe {"subscription_id": "..."}} ends one
 * (its stream then completes). Events, each one JSON object in its {@code data}:
 *
 * <ul>
 *   <li>{@code subscribed}: first, {@code {"subscription_id", "patterns", "from_slot"}};
 *   <li>{@code change}: {@code {"slot", "index", "count", "key", "op": "put"|"delete", "deleted",
 *       "value"}} ({@code value_base64} for a value that is not UTF-8 text, as {@code GET /kv}
 *       does); {@code index} and {@code count} place it among the slot's matching changes;
 *   <li>{@code error}: last, when the stream cannot go on: {@code {"error", "oldest_slot",
 *       "next_slot"}} if the slots it needs are no longer retained;
 *   <li>{@code end}: last, after {@code /unsubscribe}, with {@code next_slot}.
 * </ul>
 *
 * <p>To resume after a broken stream, subscribe with {@code from_slot} = the slot of the last
 * change received + 1 if it was the last of its slot ({@code index == count - 1}), else that slot,
 * skipping the first {@code index + 1} changes of it. Comments ({@code : keep-alive}) every {@value
 * #KEEP_ALIVE_SECONDS} seconds show the stream is alive.
 *
 * <p><b>Threading and bounds.</b> A stream holds one server thread, which waits on the watch; at
 * most {@link #MAX_SUBSCRIPTIONS} streams at once (more get 503). Nothing is buffered per stream
 * beyond the socket: a subscriber that stops reading blocks its own thread only, falls behind in
 * the node's bounded history, and is ended with an {@code error} event.
 */
public final class WatchRoutes {
  /** The most subscriptions one node serves at once. */
  public static final int MAX_SUBSCRIPTIONS = 64;

  static final int KEEP_ALIVE_SECONDS = 10;
  private static final String EXAMPLE = "{\"patterns\": [\"user*\"], \"from_slot\": 1}";

  private final PaxosNode node;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<String, Watch> subscriptions = new ConcurrentHashMap<>();

  public WatchRoutes(PaxosNode node) {
    this.node = Objects.requireNonNull(node, "node");
  }

  /** Add {@code POST /subscribe} and {@code POST /unsubscribe} to {@code app}. */
  public void register(Javalin app) {
    app.post("/subscribe", this::subscribe);
    app.post("/unsubscribe", this::unsubscribe);
    app.events(e -> e.serverStopping(this::closeAll));
  }

  /** Subscriptions open now. */
  public int open() {
    return subscriptions.size();
  }

  private void closeAll() {
    subscriptions.values().forEach(Watch::close);
  }

  private void subscribe(Context ctx) throws IOException {
    JsonNode body = Requests.objectBody(ctx, json, EXAMPLE);
    KeyPatterns patterns = patterns(body);
    long from = fromSlot(body);
    for (java.util.Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      if (!f.equals("patterns") && !f.equals("from_slot")) {
        throw ApiException.badRequest(
            "unknown field '" + f + "'; a subscription takes patterns and from_slot");
      }
    }
    if (subscriptions.size() >= MAX_SUBSCRIPTIONS) {
      throw new ApiException(
          503, "node " + node.id() + " serves " + MAX_SUBSCRIPTIONS + " subscriptions already");
    }
    Watch watch = open(from);
    String id = UUID.randomUUID().toString();
    subscriptions.put(id, watch);
    try {
      stream(ctx, id, patterns, watch);
    } finally {
      subscriptions.remove(id);
      watch.close();
    }
  }

  private Watch open(long from) {
    try {
      return node.watch(from < 0 ? node.status().appliedSlot() + 1 : from);
    } catch (SlotUnavailableException e) {
      throw new ApiException(
          410,
          e.getMessage(),
          Map.of("oldest_slot", e.oldestSlot(), "requested_slot", e.requestedSlot()));
    } catch (IllegalStateException | NodeClosedException e) {
      throw new ApiException(503, e.getMessage());
    }
  }

  private void stream(Context ctx, String id, KeyPatterns patterns, Watch watch)
      throws IOException {
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setCharacterEncoding("UTF-8");
    ctx.res().setHeader("Cache-Control", "no-cache");
    ctx.res().setHeader("X-Accel-Buffering", "no");
    OutputStream out = ctx.res().getOutputStream();
    Map<String, Object> first = new LinkedHashMap<>();
    first.put("subscription_id", id);
    first.put("patterns", patterns.patterns());
    first.put("from_slot", watch.nextSlot());
    event(out, "subscribed", first);
    try {
      while (true) {
        List<AppliedSlot> slots;
        try {
          slots = watch.take(64, Duration.ofSeconds(KEEP_ALIVE_SECONDS));
        } catch (IllegalStateException closed) { // unsubscribed
          event(out, "end", Map.of("subscription_id", id, "next_slot", watch.nextSlot()));
          return;
        }
        if (slots.isEmpty()) {
          out.write(": keep-alive\n\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          continue;
        }
        for (AppliedSlot s : slots) {
          List<KvChange> changes = KvChange.of(s, patterns);
          for (int i = 0; i < changes.size(); i++) {
            event(out, "change", change(changes.get(i), i, changes.size()));
          }
        }
        out.flush();
      }
    } catch (SlotUnavailableException e) {
      Map<String, Object> error = new LinkedHashMap<>();
      error.put("error", e.getMessage());
      error.put("oldest_slot", e.oldestSlot());
      error.put("next_slot", e.requestedSlot());
      event(out, "error", error);
    } catch (NodeClosedException e) {
      event(out, "error", Map.of("error", e.getMessage(), "next_slot", watch.nextSlot()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static Map<String, Object> change(KvChange c, int index, int count) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("slot", c.slot());
    m.put("index", index);
    m.put("count", count);
    m.put("key", c.key());
    m.put("op", c.deleted() ? "delete" : "put");
    m.put("deleted", c.deleted());
    c.value().ifPresent(v -> Reply.putValue(m, "value", v));
    return m;
  }

  private void event(OutputStream out, String name, Object data) throws IOException {
    String text = "event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n";
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private void unsubscribe(Context ctx) {
    JsonNode body = Requests.objectBody(ctx, json, "{\"subscription_id\": \"...\"}");
    String id = Requests.requiredText(body, "subscription_id", "{\"subscription_id\": \"...\"}");
    Watch w = subscriptions.remove(id);
    if (w == null) {
      throw new ApiException(404, "no subscription " + id + " at node " + node.id());
    }
    w.close();
    ctx.status(200).json(Map.of("subscription_id", id, "unsubscribed", true));
  }

  private static KeyPatterns patterns(JsonNode body) {
    JsonNode p = body.get("patterns");
    if (p == null || !p.isArray()) {
      throw ApiException.badRequest(
          "field 'patterns' must be an array of key patterns, e.g. " + EXAMPLE);
    }
    List<String> list = new ArrayList<>();
    for (JsonNode n : p) {
      if (!n.isTextual()) {
        throw ApiException.badRequest("every pattern must be a string, found " + n.getNodeType());
      }
      list.add(n.textValue());
    }
    try {
      return KeyPatterns.of(list);
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
  }

  /**
   * The {@code from_slot} field: at least 0 (0 and 1: from the first slot); -1 if absent (from the
   * next slot applied).
   */
  private static long fromSlot(JsonNode body) {
    JsonNode f = body.get("from_slot");
    if (f == null || f.isNull()) {
      return -1;
    }
    if (!f.isIntegralNumber() || !f.canConvertToLong() || f.longValue() < 0) {
      throw ApiException.badRequest("field 'from_slot' must be an integer of at least 0, was " + f);
    }
    return f.longValue();
  }
}
