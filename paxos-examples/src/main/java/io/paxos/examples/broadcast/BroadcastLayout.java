package io.paxos.examples.broadcast;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The role-split cluster of a broadcast run, written to {@code broadcast.yaml}: 3 acceptors (ids 1
 * to 3), K proposers (ids 11 on) and L learners (ids 21 on), one role each, on free ports of
 * 127.0.0.1; snapshots off (a learner's file is its whole log). The command timeout is short
 * (500ms): a proposer resends a value whose message was lost once it times out.
 *
 * @param file the cluster file
 * @param members each member's id and its role with its index ({@code proposer 2}), in start order
 */
record BroadcastLayout(Path file, Map<Integer, String> members) {
  static final String FILE_NAME = "broadcast.yaml";
  static final int ACCEPTORS = 3;

  static BroadcastLayout write(Path dir, int proposers, int learners) throws IOException {
    Map<Integer, String> members = new LinkedHashMap<>();
    for (int a = 1; a <= ACCEPTORS; a++) {
      members.put(a, "acceptor " + a);
    }
    for (int p = 1; p <= proposers; p++) {
      members.put(10 + p, "proposer " + p);
    }
    for (int l = 1; l <= learners; l++) {
      members.put(20 + l, "learner " + l);
    }
    StringBuilder yaml =
        new StringBuilder(
            "# written by paxos-examples broadcast: "
                + ACCEPTORS
                + " acceptors, "
                + proposers
                + " proposers, "
                + learners
                + " learners, one process each\ncluster: broadcast\nmembers:\n");
    List<ServerSocket> held = new ArrayList<>(); // held open so that no port is handed out twice
    try {
      for (Map.Entry<Integer, String> m : members.entrySet()) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        held.add(s);
        yaml.append("  - {id: ")
            .append(m.getKey())
            .append(", address: 127.0.0.1:")
            .append(s.getLocalPort())
            .append(", roles: [")
            .append(m.getValue().substring(0, m.getValue().indexOf(' ')))
            .append("]}\n");
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    yaml.append(
        "protocol: {heartbeat-interval: 50ms, election-timeout: 300ms..600ms, command-timeout:"
            + " 500ms}\n");
    yaml.append("snapshots: {enabled: false}\n");
    yaml.append("data-dir: ").append(dir.resolve("data").toAbsolutePath()).append("/node-${id}\n");
    Path file = Files.writeString(dir.resolve(FILE_NAME), yaml.toString());
    return new BroadcastLayout(file, members);
  }
}
