package io.paxos.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Role;
import java.util.List;

/**
 * The {@code quorums:} section of a cluster file: phase-1 and phase-2 quorum sizes, each defaulting
 * to a majority of the acceptors; the two must add up to more than the acceptors, or two leaders
 * could choose different values for one slot.
 */
final class Quorums {
  private Quorums() {}

  static ClusterConfig config(
      Fields f, String clusterId, List<ClusterFile.Node> nodes, JsonNode quorums) {
    int acceptors = (int) nodes.stream().filter(n -> n.roles().contains(Role.ACCEPTOR)).count();
    if (acceptors > ClusterConfig.MAX_ACCEPTORS) {
      throw f.error(
          "members",
          acceptors
              + " members have the acceptor role; at most "
              + ClusterConfig.MAX_ACCEPTORS
              + " are supported");
    }
    int majority = acceptors / 2 + 1;
    int phase1 = majority;
    int phase2 = majority;
    if (quorums != null) {
      if (!quorums.isObject()) {
        throw f.error("quorums", "must be a mapping such as {phase1: 2, phase2: 2}");
      }
      f.known(quorums, "quorums.", List.of("phase1", "phase2"));
      String range = "; the cluster has " + acceptors + " acceptors";
      if (quorums.has("phase1")) {
        phase1 = within(f, quorums.get("phase1"), "quorums.phase1", acceptors, range);
      }
      if (quorums.has("phase2")) {
        phase2 = within(f, quorums.get("phase2"), "quorums.phase2", acceptors, range);
      }
    }
    if (phase1 + phase2 <= acceptors) {
      throw f.error(
          "quorums",
          "phase1 "
              + phase1
              + " + phase2 "
              + phase2
              + " must exceed the "
              + acceptors
              + " acceptors, or two leaders could choose different values; raise one of them");
    }
    try {
      return new ClusterConfig(
          clusterId, nodes.stream().map(ClusterFile::member).toList(), phase1, phase2);
    } catch (IllegalArgumentException e) {
      throw f.error("members", e.getMessage());
    }
  }

  private static int within(Fields f, JsonNode node, String field, int acceptors, String why) {
    try {
      return f.integer(node, field, 1, acceptors);
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + why);
    }
  }
}
