package io.paxos.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The {@code members:} list of a cluster file: each member's id, address, HTTP port, roles and data
 * directory, and the checks across members (no id, address or port twice; every role hosted
 * somewhere). Not thread-safe; one per load.
 */
final class Members {
  private final Fields f;
  private final Map<Integer, String> ids = new HashMap<>();
  private final Map<Endpoint, String> ports = new HashMap<>();

  Members(Fields f) {
    this.f = f;
  }

  List<ClusterFile.Node> read(JsonNode list) {
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw f.error(
          "members", "list every member, e.g. - {id: 1, address: 127.0.0.1:9001, http: 8081}");
    }
    List<ClusterFile.Node> nodes = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      nodes.add(member(list.get(i), "members[" + i + "]"));
    }
    for (Role role : Role.values()) {
      if (nodes.stream().noneMatch(n -> n.roles().contains(role))) {
        throw f.error(
            "members",
            "no member has the "
                + name(role)
                + " role; add "
                + name(role)
                + " to some member's roles");
      }
    }
    nodes.sort(Comparator.comparingInt(ClusterFile.Node::id));
    return nodes;
  }

  private ClusterFile.Node member(JsonNode node, String field) {
    if (!node.isObject()) {
      throw f.error(field, "must be a mapping such as {id: 1, address: 127.0.0.1:9001}");
    }
    f.known(node, field + ".", ClusterFile.memberFields());
    if (!node.has("id")) {
      throw f.error(
          field + ".id", "is missing; give each member a number from 1 to " + Member.MAX_ID);
    }
    int id = f.integer(node.get("id"), field + ".id", 1, Member.MAX_ID);
    String other = ids.putIfAbsent(id, field);
    if (other != null) {
      throw f.error(
          field + ".id", id + " is also the id of " + other + "; give each member its own");
    }
    Endpoint address;
    String addressText = f.text(node, "address", field + ".address");
    try {
      address = Endpoint.parse(addressText);
    } catch (IllegalArgumentException e) {
      throw f.error(field + ".address", e.getMessage());
    }
    claim(address, field + ".address", "the gRPC address of " + field);
    OptionalInt http = OptionalInt.empty();
    if (node.has("http")) {
      http = OptionalInt.of(f.integer(node.get("http"), field + ".http", 1, Endpoint.MAX_PORT));
      claim(
          new Endpoint(address.host(), http.getAsInt()),
          field + ".http",
          "the HTTP port of " + field);
    }
    Optional<String> dataDir =
        node.has("data-dir")
            ? Optional.of(f.scalar(node.get("data-dir"), field + ".data-dir").text())
            : Optional.empty();
    int priority =
        node.has("priority")
            ? f.integer(node.get("priority"), field + ".priority", 0, Member.MAX_PRIORITY)
            : 0;
    return new ClusterFile.Node(
        id, address, http, roles(node.get("roles"), field), dataDir, priority);
  }

  /** Refuse a host and port that another member already uses. */
  private void claim(Endpoint endpoint, String field, String what) {
    String other = ports.putIfAbsent(endpoint, what);
    if (other != null) {
      throw f.error(
          field,
          "port "
              + endpoint.port()
              + " on "
              + endpoint.host()
              + " is already "
              + other
              + "; give each a port of its own");
    }
  }

  private List<Role> roles(JsonNode node, String field) {
    if (node == null) {
      return List.of(Role.values());
    }
    if (!node.isArray() || node.isEmpty()) {
      throw f.error(field + ".roles", "list one or more of proposer, acceptor, learner");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (int i = 0; i < node.size(); i++) {
      String text = f.scalar(node.get(i), field + ".roles[" + i + "]").text().strip();
      Role role =
          switch (text.toLowerCase(Locale.ROOT)) {
            case "proposer" -> Role.PROPOSER;
            case "acceptor" -> Role.ACCEPTOR;
            case "learner" -> Role.LEARNER;
            default ->
                throw f.error(
                    field + ".roles[" + i + "]",
                    "unknown role '" + text + "'; use proposer, acceptor or learner");
          };
      if (!roles.add(role)) {
        throw f.error(field + ".roles", "names " + text + " twice");
      }
    }
    return List.copyOf(roles);
  }

  static String name(Role role) {
    return role.name().toLowerCase(Locale.ROOT);
  }
}
