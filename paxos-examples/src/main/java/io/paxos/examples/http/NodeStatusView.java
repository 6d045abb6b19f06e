package io.paxos.examples.http;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.Term;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.runtime.NodeStatus;
import io.paxos.core.runtime.PaxosNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the API tells about the node: the body of {@code GET /status}, whether it serves ({@code GET
 * /health}), and the leader's id and address for answers that send the client elsewhere. The one
 * place the status is assembled: add new fields here.
 *
 * <p>Thread-safe: it reads the node's status afresh on every call.
 */
final class NodeStatusView {
  private final PaxosNode node;
  private volatile Map<Integer, String> httpAddresses;

  NodeStatusView(PaxosNode node, Map<Integer, String> httpAddresses) {
    this.node = node;
    this.httpAddresses = Map.copyOf(httpAddresses);
  }

  /** Replace the members' HTTP addresses (any thread). */
  void httpAddresses(Map<Integer, String> addresses) {
    this.httpAddresses = Map.copyOf(addresses);
  }

  /** Whether the node serves, and if not why. */
  record Health(boolean serving, String reason) {}

  Health health() {
    NodeStatus s = node.status();
    if (s.failure().isPresent()) {
      return new Health(
          false, "node " + s.nodeId() + " stopped after a failure: " + s.failure().get());
    }
    if (s.leaderHint().isEmpty()) {
      return new Health(
          false,
          "node "
              + s.nodeId()
              + " knows no leader: an election is under way, or it cannot reach a quorum");
    }
    return new Health(true, "serving");
  }

  /** The body of {@code GET /health}. */
  Map<String, Object> healthBody() {
    Health h = health();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", h.serving() ? "serving" : "unavailable");
    body.put("node", node.id());
    if (!h.serving()) {
      body.put("reason", h.reason());
    }
    leader().ifPresent(l -> body.put("leader", l));
    return body;
  }

  /** The body of {@code GET /status}. */
  Map<String, Object> statusBody() {
    NodeStatus s = node.status();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", node.config().clusterId());
    body.put("node", s.nodeId());
    // A joining or removed node is in no membership: it shows the roles of none.
    body.put(
        "roles", node.config().member(s.nodeId()).map(NodeStatusView::roles).orElse(List.of()));
    ClusterEpoch epoch = node.membership();
    body.put("epoch", epoch.epoch());
    body.put("epoch_first_slot", epoch.firstSlot());
    body.put("member", node.config().contains(s.nodeId()));
    boolean priorities = node.config().hasPriorities();
    if (priorities) {
      body.put("priority", node.config().priority(s.nodeId()));
    }
    body.put("is_leader", s.leader());
    body.put("leader", leader().orElse(null));
    body.put("ballot", ballot(s.term()));
    body.put("commit_slot", s.commitSlot());
    body.put("applied_slot", s.appliedSlot());
    body.put("learner_only", s.learnerOnly());
    s.stateHash()
        .ifPresent(
            h -> {
              body.put("state_hash", h.hash());
              body.put("state_hash_slot", h.appliedSlot());
            });
    body.put("failure", s.failure().orElse(null));
    NodeGauges gauges = node.gauges();
    body.put("log_bytes", gauges.logBytes());
    body.put(
        "snapshot",
        gauges
            .latestSnapshot()
            .map(i -> (Object) Map.of("slot", i.slot(), "bytes", i.size()))
            .orElse(null));
    Map<Integer, Boolean> reachable = gauges.peersReachable();
    Map<Integer, String> httpAddresses = this.httpAddresses;
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : node.config().members()) {
      Map<String, Object> member = new LinkedHashMap<>();
      member.put("id", m.id());
      member.put("roles", roles(m));
      if (priorities) {
        member.put("priority", m.priority());
      }
      member.put("http", httpAddresses.get(m.id()));
      member.put("address", m.address().isEmpty() ? null : m.address());
      member.put("self", m.id() == s.nodeId());
      if (m.id() != s.nodeId()) {
        // null until the transport has reported on the peer (and always with the in-memory one)
        member.put("reachable", reachable.get(m.id()));
      }
      members.add(member);
    }
    body.put("members", members);
    return body;
  }

  /**
   * The members of {@code config} as {@code GET /members} shows them: id, roles, priority, the
   * address the configuration gives (null for the cluster file's members) and the HTTP address.
   */
  List<Map<String, Object>> members(io.paxos.core.config.ClusterConfig config) {
    Map<Integer, String> http = this.httpAddresses;
    List<Map<String, Object>> members = new ArrayList<>();
    for (Member m : config.members()) {
      Map<String, Object> member = new LinkedHashMap<>();
      member.put("id", m.id());
      member.put("roles", roles(m));
      member.put("priority", m.priority());
      member.put("address", m.address().isEmpty() ? null : m.address());
      member.put("http", http.get(m.id()));
      members.add(member);
    }
    return members;
  }

  /** The node believed to lead, as {@code {"id": 2, "http": "host:port"}}, if one is known. */
  Optional<Map<String, Object>> leader() {
    return node.leaderId().isPresent()
        ? Optional.of(member(node.leaderId().getAsInt()))
        : Optional.empty();
  }

  /** The learners, which can serve reads, as {@code [{"id": 3, "http": "host:port"}]}. */
  List<Map<String, Object>> learners() {
    List<Map<String, Object>> learners = new ArrayList<>();
    for (int id : node.config().idsWith(Role.LEARNER)) {
      learners.add(member(id));
    }
    return learners;
  }

  Map<String, Object> member(int id) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", id);
    m.put("http", httpAddresses.get(id));
    return m;
  }

  private static List<String> roles(Member m) {
    List<String> roles = new ArrayList<>();
    for (Role r : Role.values()) {
      if (m.has(r)) {
        roles.add(r.name().toLowerCase(Locale.ROOT));
      }
    }
    return roles;
  }

  /** A term as the status JSON has always shown the ballot: {@code {"round": 4, "node": 2}}. */
  private static Map<String, Object> ballot(Term t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("round", t.round());
    m.put("node", t.proposerId());
    return m;
  }
}
