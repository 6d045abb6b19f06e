package io.paxos.examples.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.paxos.core.ClusterEpoch;
import io.paxos.core.MembershipChangeException;
import io.paxos.core.config.Member;
import io.paxos.examples.members.MembershipEdit;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kv members}: shows the cluster's membership, or changes it in one change (docs/membership
 * .md). A change is computed from the leader's current membership and sent with its epoch, so that
 * it does not undo a change made meanwhile; while a node to add is still catching up, the leader
 * refuses and the command asks again until its timeout.
 */
@Command(
    name = "members",
    mixinStandardHelpOptions = true,
    description = {
      "Show or change the cluster's membership, in one change each:",
      "  members list                      the epoch, its first slot and the members",
      "  members add ID HOST:PORT          add a node started with --join (every role)",
      "  members remove ID                 remove a member",
      "  members replace OLD NEW HOST:PORT remove OLD and add NEW, in one change",
      "Prints the new epoch and members. Quorums become majorities of the new acceptors unless"
          + " --phase1-quorum and --phase2-quorum are given."
    })
final class MembersCommand extends KvAction {
  /** How often a change refused because a new node is catching up is asked for again. */
  private static final long CATCH_UP_RETRY_MS = 500;

  @Parameters(
      paramLabel = "ACTION",
      arity = "1..4",
      description = "list | add ID HOST:PORT | remove ID | replace OLD NEW HOST:PORT")
  List<String> words = new ArrayList<>();

  @Option(names = "--phase1-quorum", paramLabel = "N", description = "The new phase-1 quorum.")
  Integer phase1;

  @Option(names = "--phase2-quorum", paramLabel = "N", description = "The new phase-2 quorum.")
  Integer phase2;

  private MembershipEdit edit;

  @Override
  void validate() {
    String action = words.get(0);
    int args = words.size() - 1;
    try {
      switch (action) {
        case "list" -> expect(args, 0, "list");
        case "add" -> {
          expect(args, 2, "add ID HOST:PORT");
          edit = edit(Map.of(id(words.get(1)), address(words.get(2))), Set.of());
        }
        case "remove" -> {
          expect(args, 1, "remove ID");
          edit = edit(Map.of(), Set.of(id(words.get(1))));
        }
        case "replace" -> {
          expect(args, 3, "replace OLD NEW HOST:PORT");
          int old = id(words.get(1));
          int added = id(words.get(2));
          if (old == added) {
            throw new UsageException(
                "OLD and NEW are both " + old + ": give the new node a new id");
          }
          edit = edit(Map.of(added, address(words.get(3))), Set.of(old));
        }
        default ->
            throw new UsageException(
                "unknown action '" + action + "': use list, add, remove or replace");
      }
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  private MembershipEdit edit(Map<Integer, String> add, Set<Integer> remove) {
    return new MembershipEdit(
        add,
        remove,
        phase1 == null ? OptionalInt.empty() : OptionalInt.of(phase1),
        phase2 == null ? OptionalInt.empty() : OptionalInt.of(phase2));
  }

  private static void expect(int given, int wanted, String usage) {
    if (given != wanted) {
      throw new UsageException("usage: members " + usage);
    }
  }

  private static int id(String text) {
    try {
      int id = Integer.parseInt(text);
      if (id < 1 || id > Member.MAX_ID) {
        throw new UsageException("node id " + text + " is out of range 1 to " + Member.MAX_ID);
      }
      return id;
    } catch (NumberFormatException e) {
      throw new UsageException("'" + text + "' is not a node id");
    }
  }

  private static String address(String text) {
    Endpoint.parse(text); // IllegalArgumentException with the reason
    return text;
  }

  @Override
  int run(PaxosClient client) throws Exception {
    ClusterStatus status = leaderStatus(client);
    ClusterEpoch current =
        status
            .membership()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "node "
                            + status.nodeId()
                            + " does not report its membership (an older build)"));
    if (edit == null) {
      show(current, status);
      return Exits.OK;
    }
    ClusterEpoch changed;
    try {
      changed = change(client, current);
    } catch (MembershipChangeException e) {
      return fail(Exits.FAILED, "refused: " + e.getMessage());
    } catch (io.paxos.core.CommandTimeoutException e) {
      return fail(
          Exits.TIMED_OUT,
          "the change's outcome is unknown: " + e.getMessage() + "; run kv members list");
    }
    show(changed, status);
    return Exits.OK;
  }

  /** Ask for the change, again while the leader waits for a new node to catch up. */
  private ClusterEpoch change(PaxosClient client, ClusterEpoch current) throws Exception {
    long deadline = System.nanoTime() + cluster.timeout().toNanos();
    while (true) {
      try {
        return await(client.changeMembership(edit.apply(current.config()), current.epoch()));
      } catch (MembershipChangeException e) {
        String why = String.valueOf(e.getMessage());
        boolean catchingUp =
            why.contains("has not asked this leader") || why.contains("is still catching up");
        if (!catchingUp || System.nanoTime() - deadline > 0) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(CATCH_UP_RETRY_MS);
      }
    }
  }

  /** The status as the leader sees it, if the first node to answer knows where it is. */
  private ClusterStatus leaderStatus(PaxosClient client) throws Exception {
    ClusterStatus first = await(client.status());
    if (first.leader() || first.leaderId().isEmpty()) {
      return first;
    }
    int leader = first.leaderId().getAsInt();
    for (ClusterStatus.MemberInfo m : first.members()) {
      if (m.nodeId() == leader && m.endpoint().isPresent()) {
        try {
          return await(client.status(m.endpoint().get()));
        } catch (Exception e) { // ask no further: the first answer will do
          return first;
        }
      }
    }
    return first;
  }

  private void show(ClusterEpoch epoch, ClusterStatus status) {
    Map<Integer, String> addresses = new TreeMap<>();
    for (ClusterStatus.MemberInfo m : status.members()) {
      m.endpoint().ifPresent(e -> addresses.put(m.nodeId(), e.toString()));
    }
    if (!json) {
      out().print(MembershipEdit.describe(epoch, addresses));
      return;
    }
    ObjectNode o =
        object()
            .put("cluster", epoch.config().clusterId())
            .put("epoch", epoch.epoch())
            .put("first_slot", epoch.firstSlot())
            .put("phase1_quorum", epoch.config().phase1Quorum())
            .put("phase2_quorum", epoch.config().phase2Quorum());
    ArrayNode members = o.putArray("members");
    for (Member m : epoch.config().members()) {
      members
          .addObject()
          .put("id", m.id())
          .put("address", m.address().isEmpty() ? addresses.getOrDefault(m.id(), "") : m.address())
          .put("roles", MembershipEdit.roles(m));
    }
    print(o);
  }
}
