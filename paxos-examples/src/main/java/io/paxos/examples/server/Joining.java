package io.paxos.examples.server;

import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A node started with {@code --join} (docs/membership.md, "Joining a running cluster"): the cluster
 * file stays the one the cluster was created with, since until the node has caught up through the
 * changes it is in epoch 0 as that file says; the node itself, which the file does not list, is
 * added to the file's nodes (not to its membership) with the address and HTTP port given on the
 * command line, hosting every role. Stateless.
 */
final class Joining {
  private Joining() {}

  /**
   * {@return {@code file} with node {@code id} added at {@code join}'s address}
   *
   * @param http the joining node's HTTP port, if given
   * @throws ConfigException if the file lists {@code id}, or the address or port is not valid
   */
  static ClusterFile add(ClusterFile file, int id, Sourced join, Sourced http) {
    String fileName = file.path().toString();
    String where = join.where(fileName);
    if (id < 1 || id > Member.MAX_ID) {
      throw new ConfigException(
          where + ": node id " + id + " is out of range 1 to " + Member.MAX_ID);
    }
    if (file.node(id).isPresent()) {
      throw new ConfigException(
          where
              + ": node "
              + id
              + " is a member in "
              + fileName
              + " already; a joining node needs an id the file does not list (drop --join to"
              + " start that member)");
    }
    Endpoint address;
    try {
      address = Endpoint.parse(join.text().strip());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(where + ": " + e.getMessage() + "; give HOST:PORT");
    }
    for (ClusterFile.Node n : file.nodes()) {
      if (n.address().equals(address)) {
        throw new ConfigException(
            where + ": " + address + " is member " + n.id() + "'s address; give this node its own");
      }
    }
    OptionalInt httpPort = OptionalInt.empty();
    if (http != null && !http.text().isBlank()) {
      long port = Units.number(http.text(), http.where(fileName));
      if (port < 0 || port > Endpoint.MAX_PORT) {
        throw new ConfigException(
            http.where(fileName) + ": " + port + " is not a port (0 to " + Endpoint.MAX_PORT + ")");
      }
      httpPort = OptionalInt.of((int) port);
    }
    List<ClusterFile.Node> nodes = new ArrayList<>(file.nodes());
    nodes.add(
        new ClusterFile.Node(id, address, httpPort, List.of(Role.values()), Optional.empty()));
    nodes.sort(Comparator.comparingInt(ClusterFile.Node::id));
    return new ClusterFile(file.path(), file.config(), nodes, file.quorumsGiven(), file.settings());
  }
}
