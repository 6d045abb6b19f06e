package io.paxos.core.host.golden;

import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Runs the commands of a golden script against a {@link ScriptedCluster} and returns what each
 * printed. The commands (node ids are positive integers; several ids run the command on each in
 * turn):
 *
 * <pre>
 * nodes N | nodes ID[:ROLES]...  start the cluster (first command): nodes 1..N with every role, or
 *       [lease=MS]               the members listed, ROLES being letters of p(roposer), a(cceptor),
 *                                l(earner), e.g. {@code nodes 1 2 3:al 4:l}; lease=MS turns leader
 *                                leases on, for MS ms with a clock drift bound of 0.1
 * submit NODE PAYLOAD...         client commands arrive at NODE in one turn (session commands,
 *       [session=yes]            which a node may send again, with session=yes)
 * tick NODE... [at=MS]           the clock moves to MS (never back); the nodes' timers fire
 * read NODE [lease]              a linearizable read asks NODE for a read index (a lease read if
 *                                {@code lease})
 * deliver [FROM->TO]             messages in flight (all, or those on the link; * is any node)
 *                                move into their receivers' inboxes, in the order sent
 * drop [FROM->TO]                messages in flight are lost
 * process NODE...                the node takes its inbox in one turn: each message, one flush,
 *                                then its carrier carries the outbox out
 * write NODE...                  the storage thread makes the queued writes, without a force
 * force NODE...                  the storage thread makes the queued writes and forces them; the
 *                                carrier sends what waited for them
 * crash NODE [keep=K]            the node crashes (queued writes, held batches, inbox and writes
 *                                not synced lost, but the first K made) and restarts at once
 * compact NODE SLOT              the node snapshots slots 1..SLOT and compacts below it
 * status                         each node's role, ballot, promise, next and commit slot
 * storage NODE                   what NODE's storage holds durably
 * </pre>
 *
 * An unknown command or a bad argument throws {@link ScriptException}.
 */
final class ScriptInterpreter {
  /** The clock drift bound of a cluster with leases on ({@code nodes ... lease=MS}). */
  static final double LEASE_DRIFT = 0.1;

  private final boolean writersReportEarly;
  private ScriptedCluster cluster;

  /**
   * @param writersReportEarly run every node with a broken storage thread that reports writes done
   *     before they are forced (to show that the outputs expose it)
   */
  ScriptInterpreter(boolean writersReportEarly) {
    this.writersReportEarly = writersReportEarly;
  }

  /** Run one command line; returns the lines it printed. */
  List<String> execute(String line) {
    String[] words = line.trim().split("\\s+");
    String command = words[0];
    List<String> positional = new ArrayList<>();
    Map<String, String> named = new LinkedHashMap<>();
    for (int i = 1; i < words.length; i++) {
      int eq = words[i].indexOf('=');
      if (eq > 0) {
        named.put(words[i].substring(0, eq), words[i].substring(eq + 1));
      } else {
        positional.add(words[i]);
      }
    }
    if (command.equals("nodes")) {
      if (cluster != null) {
        throw new ScriptException("nodes: the cluster is already started");
      }
      ProtocolOptions options = ScriptedCluster.OPTIONS;
      if (named.containsKey("lease")) {
        long ms = number("lease", named.remove("lease"));
        try {
          options = options.withLease(ms, LEASE_DRIFT);
        } catch (IllegalArgumentException e) {
          throw new ScriptException("lease=" + ms + ": " + e.getMessage());
        }
      }
      noNamed(command, named);
      cluster = new ScriptedCluster(members(positional), options, writersReportEarly);
      return cluster.takePrinted();
    }
    if (cluster == null) {
      if (!isCommand(command)) {
        throw new ScriptException("unknown command '" + command + "'");
      }
      throw new ScriptException(command + ": start the cluster with 'nodes' first");
    }
    switch (command) {
      case "submit" -> {
        boolean session = false;
        if (named.containsKey("session")) {
          String yes = named.remove("session");
          if (!yes.equals("yes")) {
            throw new ScriptException("submit: session=yes or nothing, not session=" + yes);
          }
          session = true;
        }
        noNamed(command, named);
        if (positional.size() < 2) {
          throw new ScriptException("submit NODE PAYLOAD...: expected a node and payloads");
        }
        cluster.submit(
            nodeId(positional.get(0)), positional.subList(1, positional.size()), session);
      }
      case "tick" -> {
        Optional<Long> at = Optional.empty();
        if (named.containsKey("at")) {
          at = Optional.of(number("at", named.remove("at")));
        }
        noNamed(command, named);
        for (int id : nodeIds(command, positional)) {
          cluster.tick(id, at);
        }
      }
      case "read" -> {
        noNamed(command, named);
        boolean lease = positional.size() == 2 && positional.get(1).equals("lease");
        if (positional.size() != 1 && !lease) {
          throw new ScriptException(
              "read NODE [lease]: expected a node id, then 'lease' or nothing");
        }
        cluster.read(nodeId(positional.get(0)), lease);
      }
      case "deliver", "drop" -> {
        noNamed(command, named);
        if (positional.size() > 1) {
          throw new ScriptException(command + " [FROM->TO]: expected at most one link");
        }
        LinkFilter filter =
            positional.isEmpty() ? LinkFilter.ALL : LinkFilter.parse(positional.get(0));
        if (command.equals("deliver")) {
          cluster.deliver(filter);
        } else {
          cluster.drop(filter);
        }
      }
      case "process" -> {
        noNamed(command, named);
        for (int id : nodeIds(command, positional)) {
          cluster.process(id);
        }
      }
      case "write" -> {
        noNamed(command, named);
        for (int id : nodeIds(command, positional)) {
          cluster.write(id);
        }
      }
      case "force" -> {
        noNamed(command, named);
        for (int id : nodeIds(command, positional)) {
          cluster.force(id);
        }
      }
      case "crash" -> {
        int keep = named.containsKey("keep") ? (int) number("keep", named.remove("keep")) : 0;
        noNamed(command, named);
        cluster.crash(oneNode(command, positional), keep);
      }
      case "compact" -> {
        noNamed(command, named);
        if (positional.size() != 2) {
          throw new ScriptException("compact NODE SLOT: expected a node and a slot");
        }
        cluster.compact(nodeId(positional.get(0)), number("SLOT", positional.get(1)));
      }
      case "status" -> {
        noNamed(command, named);
        if (!positional.isEmpty()) {
          throw new ScriptException("status takes no arguments");
        }
        cluster.status();
      }
      case "storage" -> {
        noNamed(command, named);
        cluster.storage(oneNode(command, positional));
      }
      default -> throw new ScriptException("unknown command '" + command + "'");
    }
    return cluster.takePrinted();
  }

  private static boolean isCommand(String command) {
    return List.of(
            "submit", "tick", "read", "deliver", "drop", "process", "write", "force", "crash",
            "compact", "status", "storage")
        .contains(command);
  }

  private static List<Member> members(List<String> args) {
    if (args.isEmpty()) {
      throw new ScriptException("nodes N | nodes ID[:ROLES]...: expected a count or members");
    }
    List<Member> members = new ArrayList<>();
    if (args.size() == 1 && !args.get(0).contains(":")) {
      long count = number("N", args.get(0));
      if (count < 1 || count > 9) {
        throw new ScriptException("nodes N: N must be 1..9, was " + count);
      }
      for (int id = 1; id <= count; id++) {
        members.add(Member.allRoles(id));
      }
      return members;
    }
    for (String arg : args) {
      int colon = arg.indexOf(':');
      int id = nodeId(colon < 0 ? arg : arg.substring(0, colon));
      Set<Role> roles = EnumSet.noneOf(Role.class);
      if (colon < 0) {
        roles = EnumSet.allOf(Role.class);
      } else {
        for (char c : arg.substring(colon + 1).toCharArray()) {
          roles.add(
              switch (c) {
                case 'p' -> Role.PROPOSER;
                case 'a' -> Role.ACCEPTOR;
                case 'l' -> Role.LEARNER;
                default ->
                    throw new ScriptException(
                        "unknown role '" + c + "' in '" + arg + "' (roles: p, a, l)");
              });
        }
      }
      if (roles.isEmpty()) {
        throw new ScriptException("node " + id + " has no roles: '" + arg + "'");
      }
      members.add(new Member(id, roles));
    }
    return members;
  }

  private static List<Integer> nodeIds(String command, List<String> args) {
    if (args.isEmpty()) {
      throw new ScriptException(command + " NODE...: expected a node id");
    }
    return args.stream().map(ScriptInterpreter::nodeId).toList();
  }

  private static int oneNode(String command, List<String> args) {
    if (args.size() != 1) {
      throw new ScriptException(command + " NODE: expected one node id, got " + args);
    }
    return nodeId(args.get(0));
  }

  private static int nodeId(String text) {
    long id = number("node id", text);
    if (id < 1 || id > Member.MAX_ID) {
      throw new ScriptException("node id must be 1.." + Member.MAX_ID + ", was " + text);
    }
    return (int) id;
  }

  private static long number(String what, String text) {
    try {
      long n = Long.parseLong(text);
      if (n < 0) {
        throw new ScriptException(what + " must not be negative, was " + text);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new ScriptException(what + ": expected a number, got '" + text + "'");
    }
  }

  private static void noNamed(String command, Map<String, String> named) {
    if (!named.isEmpty()) {
      throw new ScriptException(
          command + ": unknown argument '" + named.keySet().iterator().next() + "='");
    }
  }
}
