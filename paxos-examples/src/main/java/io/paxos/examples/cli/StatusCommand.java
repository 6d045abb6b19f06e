package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.ClusterStatus.MemberInfo;
import io.paxos.grpc.client.NoReachableNodeException;
import io.paxos.grpc.client.PaxosClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code kv status}: asks the first node that answers for the members, then every member for its
 * own view, and prints one row per member: address, roles, whether it leads, the slot it applied,
 * and whether it serves. Exits 0 if any node answered.
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = {
      "Show every member of the cluster: address, roles, whether it leads, the slot it has"
          + " applied, a digest of its state (equal on replicas that agree; taken at most once a"
          + " second, at the slot after the @; --json has it whole), and whether it serves"
          + " (asking each member itself)."
    })
final class StatusCommand extends KvAction {
  /** One member's row: what it said of itself, or why it did not answer. */
  record Row(MemberInfo member, Optional<ClusterStatus> view, String problem) {}

  @Override
  int run(PaxosClient client) throws Exception {
    ClusterStatus first = await(firstAnswer(client, cluster.endpoints(kv.env)));
    List<CompletableFuture<ClusterStatus>> asked = new ArrayList<>();
    for (MemberInfo m : first.members()) {
      asked.add(
          m.endpoint().isPresent()
              ? client.status(m.endpoint().get())
              : CompletableFuture.failedFuture(new IllegalStateException("no address known")));
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < asked.size(); i++) {
      MemberInfo m = first.members().get(i);
      try {
        ClusterStatus s = await(asked.get(i));
        rows.add(
            s.nodeId() == m.nodeId()
                ? new Row(m, Optional.of(s), "")
                : new Row(m, Optional.empty(), "answered as node " + s.nodeId()));
      } catch (Exception e) {
        rows.add(new Row(m, Optional.empty(), String.valueOf(e.getMessage())));
      }
    }
    OptionalInt leader = leader(rows, first);
    if (json) {
      print(json(first.clusterId(), leader, rows));
    } else {
      out()
          .println(
              "cluster "
                  + first.clusterId()
                  + ": "
                  + rows.size()
                  + " members, "
                  + (leader.isPresent() ? "leader node " + leader.getAsInt() : "no leader known"));
      out().print(table(rows));
    }
    return Exits.OK;
  }

  /**
   * The status from whichever of {@code endpoints} answers first, asking them all at once, so that
   * nodes that do not answer cost one {@code --timeout} together, not one each.
   */
  private static CompletableFuture<ClusterStatus> firstAnswer(
      PaxosClient client, List<Endpoint> endpoints) {
    CompletableFuture<ClusterStatus> first = new CompletableFuture<>();
    Map<Endpoint, String> problems =
        new ConcurrentSkipListMap<>(Comparator.comparing(Endpoint::toString));
    for (Endpoint e : endpoints) {
      client
          .status(e)
          .whenComplete(
              (status, error) -> {
                if (status != null) {
                  first.complete(status);
                  return;
                }
                problems.put(e, grpcCode(error));
                if (problems.size() == endpoints.size()) {
                  first.completeExceptionally(
                      new NoReachableNodeException(
                          "no node answered a status request: "
                              + problems.entrySet().stream()
                                  .map(p -> p.getKey() + " (" + p.getValue() + ")")
                                  .collect(Collectors.joining(", "))));
                }
              });
    }
    return first;
  }

  /** The gRPC status code in a failure's message ({@code UNAVAILABLE}), or the message. */
  private static String grpcCode(Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = String.valueOf(e.getMessage());
    Matcher m = GRPC_CODE.matcher(message);
    return m.find() ? m.group(1) : oneLine(message);
  }

  private static final Pattern GRPC_CODE = Pattern.compile(": ([A-Z][A-Z_]+[A-Z])(?::|$)");

  /** The member that says it leads, else the leader most members name. */
  private static OptionalInt leader(List<Row> rows, ClusterStatus first) {
    for (Row r : rows) {
      if (r.view.isPresent() && r.view.get().leader()) {
        return OptionalInt.of(r.member.nodeId());
      }
    }
    return first.leaderId();
  }

  static String roles(MemberInfo m) {
    return m.roles().stream()
        .sorted()
        .map(r -> r.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(","));
  }

  static String table(List<Row> rows) {
    List<String[]> cells = new ArrayList<>();
    cells.add(
        new String[] {"NODE", "ADDRESS", "ROLES", "LEADER", "APPLIED", "STATE HASH", "STATE"});
    for (Row r : rows) {
      String address = r.member.endpoint().map(Object::toString).orElse("-");
      if (r.view.isEmpty()) {
        cells.add(
            new String[] {
              String.valueOf(r.member.nodeId()),
              address,
              roles(r.member),
              "-",
              "-",
              "-",
              "unreachable"
            });
        continue;
      }
      ClusterStatus s = r.view.get();
      cells.add(
          new String[] {
            String.valueOf(r.member.nodeId()),
            address,
            roles(r.member),
            s.leader() ? "yes" : "no",
            String.valueOf(s.appliedSlot()),
            s.stateHash().map(h -> shortHash(h.hash()) + "@" + h.appliedSlot()).orElse("-"),
            s.failure()
                .map(f -> "stopped: " + oneLine(f))
                .orElse(s.learnerOnly() ? "serving (learner only)" : "serving")
          });
    }
    int[] widths = new int[cells.get(0).length];
    for (String[] row : cells) {
      for (int c = 0; c < row.length; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
    }
    StringBuilder b = new StringBuilder();
    for (String[] row : cells) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < row.length; c++) {
        line.append(
            c == row.length - 1 ? row[c] : String.format("%-" + (widths[c] + 2) + "s", row[c]));
      }
      b.append(line.toString().stripTrailing()).append(System.lineSeparator());
    }
    return b.toString();
  }

  /** The first 16 characters of a digest: enough to tell replicas apart (JSON has it whole). */
  static String shortHash(String hash) {
    return hash.length() <= 16 ? hash : hash.substring(0, 16);
  }

  private static ObjectNode json(String clusterId, OptionalInt leader, List<Row> rows) {
    ObjectNode o = object().put("cluster", clusterId);
    if (leader.isPresent()) {
      o.put("leader", leader.getAsInt());
    } else {
      o.putNull("leader");
    }
    ArrayNode members = o.putArray("members");
    for (Row r : rows) {
      ObjectNode m = members.addObject().put("id", r.member.nodeId());
      r.member
          .endpoint()
          .ifPresentOrElse(e -> m.put("address", e.toString()), () -> m.putNull("address"));
      ArrayNode roles = m.putArray("roles");
      r.member.roles().stream()
          .sorted()
          .map(Role::name)
          .map(n -> n.toLowerCase(Locale.ROOT))
          .forEach(roles::add);
      m.put("reachable", r.view.isPresent());
      if (r.view.isPresent()) {
        ClusterStatus s = r.view.get();
        m.put("leader", s.leader());
        s.leaderId().ifPresentOrElse(id -> m.put("leaderHint", id), () -> m.putNull("leaderHint"));
        m.put("appliedSlot", s.appliedSlot());
        s.stateHash()
            .ifPresent(h -> m.put("stateHash", h.hash()).put("stateHashSlot", h.appliedSlot()));
        m.put("learnerOnly", s.learnerOnly());
        m.put("serving", s.failure().isEmpty());
        s.failure().ifPresent(f -> m.put("failure", f));
      } else {
        m.put("error", r.problem);
      }
    }
    return o;
  }
}
