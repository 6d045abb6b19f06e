package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What one node process needs to know: the cluster, its own id, every member's address, where to
 * listen, its data directory and TLS files. Immutable; validated when built.
 *
 * @param clusterId the cluster's name, shared by all its nodes
 * @param nodeId this node's id, one of {@code members}
 * @param members every member's id and address (peers and clients connect there)
 * @param listenHost the local address to bind ({@code 0.0.0.0} for all); the port is the one {@code
 *     members} gives this node
 * @param stateMachineClass the application's state machine (public, with a no-argument constructor)
 * @param dataDir where the node keeps its durable state
 * @param tls TLS for the server and the peer connections, if any
 */
public record NodeSettings(
    String clusterId,
    int nodeId,
    Map<Integer, Endpoint> members,
    String listenHost,
    String stateMachineClass,
    Path dataDir,
    Optional<TlsConfig> tls) {

  public static final String USAGE =
      "usage: --cluster NAME --id N --members 1=host:port,2=host:port,3=host:port"
          + " --state-machine CLASS [--listen HOST] [--data-dir DIR]"
          + " [--tls-cert PEM --tls-key PEM --tls-ca PEM [--mtls]]";

  public NodeSettings {
    Objects.requireNonNull(clusterId, "clusterId");
    members = Map.copyOf(members);
    if (!members.containsKey(nodeId)) {
      throw new IllegalArgumentException(
          "--id " + nodeId + " is not among the --members " + members.keySet());
    }
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(stateMachineClass, "stateMachineClass");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(tls, "tls");
  }

  /** The cluster's membership: every member hosts all three roles, with majority quorums. */
  public ClusterConfig config() {
    return ClusterConfig.of(
        clusterId, members.keySet().stream().mapToInt(i -> i).sorted().toArray());
  }

  /** This node's own address, whose port it listens on. */
  public Endpoint self() {
    return members.get(nodeId);
  }

  /**
   * Read the settings from command-line arguments (see {@link #USAGE}).
   *
   * @throws IllegalArgumentException naming what is missing or wrong
   */
  public static NodeSettings parse(String... args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (key.equals("--mtls")) {
        options.put(key, "true");
      } else if (key.startsWith("--") && i + 1 < args.length) {
        options.put(key, args[++i]);
      } else {
        throw new IllegalArgumentException("unexpected argument '" + key + "'; " + USAGE);
      }
    }
    Map<Integer, Endpoint> members = new LinkedHashMap<>();
    for (String member : required(options, "--members").split(",", -1)) {
      String[] idAndAddress = member.strip().split("=", 2);
      if (idAndAddress.length != 2) {
        throw new IllegalArgumentException("member '" + member + "' is not id=host:port; " + USAGE);
      }
      members.put(parseInt(idAndAddress[0], "member id"), Endpoint.parse(idAndAddress[1]));
    }
    int id = parseInt(required(options, "--id"), "--id");
    return new NodeSettings(
        required(options, "--cluster"),
        id,
        members,
        options.getOrDefault("--listen", "0.0.0.0"),
        required(options, "--state-machine"),
        Path.of(options.getOrDefault("--data-dir", "paxos-data/node-" + id)),
        tls(options));
  }

  private static Optional<TlsConfig> tls(Map<String, String> options) {
    String cert = options.get("--tls-cert");
    if (cert == null) {
      if (options.containsKey("--tls-key") || options.containsKey("--tls-ca")) {
        throw new IllegalArgumentException("--tls-key and --tls-ca need --tls-cert; " + USAGE);
      }
      return Optional.empty();
    }
    Path key = Path.of(required(options, "--tls-key"));
    Path ca = Path.of(required(options, "--tls-ca"));
    return Optional.of(
        options.containsKey("--mtls")
            ? TlsConfig.mutual(Path.of(cert), key, ca)
            : TlsConfig.server(Path.of(cert), key, ca));
  }

  private static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key + " is required; " + USAGE);
    }
    return value;
  }

  private static int parseInt(String text, String what) {
    try {
      return Integer.parseInt(text.strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + text + "' is not a number; " + USAGE);
    }
  }

  @Override
  public String toString() {
    return "node "
        + nodeId
        + " of "
        + clusterId
        + " "
        + Arrays.toString(members.entrySet().stream().sorted(Map.Entry.comparingByKey()).toArray());
  }
}
