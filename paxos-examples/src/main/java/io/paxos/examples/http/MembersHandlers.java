package io.paxos.examples.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.examples.members.MembershipEdit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The membership over HTTP (docs/http-api.md, "Membership"): {@code GET /members} shows the
 * membership this node is in; {@code POST /members} changes it at the leader, in one change:
 *
 * <pre>{@code
 * {"add": [{"id": 4, "address": "10.0.0.4:9000"}], "remove": [3], "from_epoch": 0,
 *  "phase1_quorum": 2, "phase2_quorum": 2}
 * }</pre>
 *
 * Every field is optional but one of {@code add} and {@code remove}; the quorums are majorities of
 * the new acceptors unless both are given; {@code from_epoch} makes the leader refuse the change
 * (409) unless the membership is at that epoch. The answer is the new membership (200), or: 400 a
 * request that cannot be carried out as written, 409 the change refused (the reason: another change
 * in flight, a new node still catching up, a stale {@code from_epoch}...), 503 not the leader (with
 * the leader), 504 the outcome unknown. Thread-safe.
 */
final class MembersHandlers {
  private static final String EXAMPLE =
      "{\"add\": [{\"id\": 4, \"address\": \"10.0.0.4:9000\"}], \"remove\": [3]}";

  /** The most members one request may add or remove: more than a configuration holds. */
  private static final int MAX_LISTED = 256;

  private final PaxosNode node;
  private final KvHandlers handlers;
  private final NodeStatusView view;
  private final ObjectMapper json;

  MembersHandlers(PaxosNode node, KvHandlers handlers, NodeStatusView view, ObjectMapper json) {
    this.node = node;
    this.handlers = handlers;
    this.view = view;
    this.json = json;
  }

  void register(Javalin app) {
    app.get("/members", ctx -> handlers.write(ctx, new Reply(200).putAll(body(node.membership()))));
    app.post("/members", this::change);
  }

  private void change(Context ctx) {
    JsonNode body = Requests.objectBody(ctx, json, EXAMPLE);
    MembershipEdit edit;
    try {
      edit =
          new MembershipEdit(
              added(body),
              removed(body),
              quorum(body, "phase1_quorum"),
              quorum(body, "phase2_quorum"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage() + ", e.g. " + EXAMPLE);
    }
    ClusterEpoch current = node.membership();
    OptionalInt from = quorum(body, "from_epoch");
    // Checked at the leader only, as the gRPC call does: a lagging follower's epoch says nothing,
    // and it answers 503 with the leader below.
    if (from.isPresent() && node.isLeader() && from.getAsInt() != current.epoch()) {
      throw new ApiException(
          409,
          "the membership is at epoch "
              + current.epoch()
              + ", not "
              + from.getAsInt()
              + ": compute the change again from GET /members",
          body(current));
    }
    ClusterConfig next;
    try {
      next = edit.apply(current.config());
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(e.getMessage());
    }
    CompletableFuture<Reply> reply =
        node.changeMembership(next).thenApply(changed -> new Reply(200).putAll(body(changed)));
    handlers.respond(ctx, reply, true);
  }

  /** {@code epoch} as JSON: epoch, first slot, quorums and members with roles and addresses. */
  Map<String, Object> body(ClusterEpoch epoch) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("cluster", epoch.config().clusterId());
    b.put("epoch", epoch.epoch());
    b.put("first_slot", epoch.firstSlot());
    b.put("phase1_quorum", epoch.config().phase1Quorum());
    b.put("phase2_quorum", epoch.config().phase2Quorum());
    b.put("members", view.members(epoch.config()));
    return b;
  }

  private static Map<Integer, String> added(JsonNode body) {
    JsonNode add = body.get("add");
    Map<Integer, String> added = new TreeMap<>();
    if (add == null || add.isNull()) {
      return added;
    }
    if (!add.isArray() || add.size() > MAX_LISTED) {
      throw ApiException.badRequest(
          "'add' must be an array of at most " + MAX_LISTED + " {\"id\", \"address\"} objects");
    }
    for (JsonNode a : add) {
      if (!a.isObject()) {
        throw ApiException.badRequest(
            "each of 'add' must be {\"id\": N, \"address\": \"host:port\"}");
      }
      int id = id(a.get("id"), "add[].id");
      String address = Requests.requiredText(a, "address", EXAMPLE);
      try {
        io.paxos.grpc.Endpoint.parse(address);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("add[].address: " + e.getMessage());
      }
      if (added.put(id, address) != null) {
        throw ApiException.badRequest("node " + id + " is in 'add' twice");
      }
    }
    return added;
  }

  private static Set<Integer> removed(JsonNode body) {
    JsonNode remove = body.get("remove");
    Set<Integer> removed = new TreeSet<>();
    if (remove == null || remove.isNull()) {
      return removed;
    }
    if (!remove.isArray() || remove.size() > MAX_LISTED) {
      throw ApiException.badRequest("'remove' must be an array of at most " + MAX_LISTED + " ids");
    }
    for (JsonNode r : remove) {
      removed.add(id(r, "remove[]"));
    }
    return removed;
  }

  private static int id(JsonNode v, String field) {
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw ApiException.badRequest(field + " must be a node id (1 to " + Member.MAX_ID + ")");
    }
    int id = v.intValue();
    if (id < 1 || id > Member.MAX_ID) {
      throw ApiException.badRequest(field + " " + id + " is out of range 1 to " + Member.MAX_ID);
    }
    return id;
  }

  private static OptionalInt quorum(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return OptionalInt.empty();
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 0) {
      throw ApiException.badRequest(field + " must be a non-negative integer");
    }
    return OptionalInt.of(v.intValue());
  }
}
