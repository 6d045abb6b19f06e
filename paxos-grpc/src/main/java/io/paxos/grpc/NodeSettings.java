package io.paxos.grpc;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one node process needs to know: the cluster (its members, their roles and the quorums), its
 * own id, every member's address, where to listen, its data directory, TLS, the cluster secret and
 * connection limits, the protocol's tuning and when it snapshots. Immutable; validated when built,
 * so a {@link NodeServer} never starts on settings whose members lack an address or share one.
 *
 * <p>Reading settings from files, environment variables or flags is the job of the program that
 * runs the node (the example key-value server reads a cluster file); this record is what it hands
 * to {@link NodeServer#start}.
 *
 * @param config the cluster's membership, roles and quorum sizes
 * @param nodeId this node's id, one of {@code config}'s members
 * @param addresses every member's address (peers and clients connect there), one per member of
 *     {@code config} and no other; a member whose {@link Member#address()} is set may be left out
 *     (its own address wins), this node's own may not
 * @param listenHost the local address to bind ({@code 0.0.0.0} for all); the port is the one {@code
 *     addresses} gives this node
 * @param dataDir where the node keeps its durable state (created if missing)
 * @param tls TLS for the server and the peer connections, if any
 * @param protocol the protocol's timings and limits
 * @param snapshots when the node snapshots its state machine and compacts its log
 * @param commandTimeout how long a submitted command may wait for its outcome before the caller is
 *     told it is unknown
 * @param bootstrapNew whether this node is one of the first members of a new cluster: only then is
 *     a missing data directory created, and an empty one votes; otherwise a missing directory is
 *     refused and an empty one serves as a learner only (see {@link Bootstrap})
 * @param clusterSecret the secret every member shares, with which peer streams authenticate each
 *     other (see {@link ClusterSecret}), if any
 * @param limits bounds on the connections the node's gRPC port accepts
 * @param joining whether the node is started to join a running cluster it is not yet a member of
 *     (docs/membership.md, "Transport"): then {@code nodeId} need not be a member of {@code config}
 *     ({@code addresses} gives its own address all the same), and its peer handshakes say it is
 *     joining until the membership includes it
 */
public record NodeSettings(
    ClusterConfig config,
    int nodeId,
    Map<Integer, Endpoint> addresses,
    String listenHost,
    Path dataDir,
    Optional<TlsConfig> tls,
    ProtocolOptions protocol,
    SnapshotOptions snapshots,
    Duration commandTimeout,
    boolean bootstrapNew,
    Optional<ClusterSecret> clusterSecret,
    ConnectionLimits limits,
    boolean joining) {

  /** How long a command may wait for its outcome unless told otherwise. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Checks the components.
   *
   * @param config the cluster's membership, roles and quorum sizes
   * @param nodeId this node's id, one of {@code config}'s members
   * @param addresses every member's address (peers and clients connect there), one per member of
   *     {@code config} and no other; a member whose {@link Member#address()} is set may be left out
   *     (its own address wins), this node's own may not
   * @param listenHost the local address to bind ({@code 0.0.0.0} for all); the port is the one
   *     {@code addresses} gives this node
   * @param dataDir where the node keeps its durable state (created if missing)
   * @param tls TLS for the server and the peer connections, if any
   * @param protocol the protocol's timings and limits
   * @param snapshots when the node snapshots its state machine and compacts its log
   * @param commandTimeout how long a submitted command may wait for its outcome before the caller
   *     is told it is unknown
   * @param bootstrapNew whether this node is one of the first members of a new cluster: only then
   *     is a missing data directory created, and an empty one votes; otherwise a missing directory
   *     is refused and an empty one serves as a learner only (see {@link Bootstrap})
   * @param clusterSecret the secret every member shares, with which peer streams authenticate each
   *     other (see {@link ClusterSecret}), if any
   * @param limits bounds on the connections the node's gRPC port accepts
   * @param joining whether the node is started to join a running cluster it is not yet a member of
   *     (docs/membership.md, "Transport"): then {@code nodeId} need not be a member of {@code
   *     config} ({@code addresses} gives its own address all the same), and its peer handshakes say
   *     it is joining until the membership includes it
   * @throws IllegalArgumentException if a component is out of the bounds given above
   * @throws NullPointerException if a component that must not be null is null
   */
  public NodeSettings {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(addresses, "addresses");
    if (!joining && !config.contains(nodeId)) {
      throw new IllegalArgumentException(
          "node id " + nodeId + " is not among the members " + Arrays.toString(config.ids()));
    }
    if (nodeId < 1 || nodeId > Member.MAX_ID) {
      throw new IllegalArgumentException(
          "node id " + nodeId + " is out of range: use an id between 1 and " + Member.MAX_ID);
    }
    Map<Endpoint, Integer> owners = new HashMap<>();
    for (Map.Entry<Integer, Endpoint> e : new TreeMap<>(addresses).entrySet()) {
      if (!config.contains(e.getKey()) && e.getKey() != nodeId) {
        throw new IllegalArgumentException(
            "an address is given for node " + e.getKey() + ", which is not a member");
      }
      Integer other =
          owners.putIfAbsent(Objects.requireNonNull(e.getValue(), "address"), e.getKey());
      if (other != null) {
        throw new IllegalArgumentException(
            "nodes "
                + other
                + " and "
                + e.getKey()
                + " have the same address "
                + e.getValue()
                + ": give each node its own");
      }
    }
    for (Member m : config.members()) {
      if (!addresses.containsKey(m.id()) && (m.address().isEmpty() || m.id() == nodeId)) {
        throw new IllegalArgumentException("node " + m.id() + " has no address: give it host:port");
      }
    }
    if (!addresses.containsKey(nodeId)) {
      throw new IllegalArgumentException(
          "node " + nodeId + " has no address: give it host:port, it listens on its port");
    }
    addresses = Map.copyOf(addresses);
    Objects.requireNonNull(listenHost, "listenHost");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(tls, "tls");
    Objects.requireNonNull(protocol, "protocol");
    Objects.requireNonNull(snapshots, "snapshots");
    Objects.requireNonNull(commandTimeout, "commandTimeout");
    if (commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be positive, was " + commandTimeout);
    }
    Objects.requireNonNull(clusterSecret, "clusterSecret");
    Objects.requireNonNull(limits, "limits");
  }

  /**
   * Settings of a member started as such (not {@link #joining}): the components before membership
   * changes existed.
   *
   * @param config the cluster's membership, roles and quorum sizes
   * @param nodeId this node's id, one of {@code config}'s members
   * @param addresses every member's address, one per member of {@code config} and no other
   * @param listenHost the local address to bind ({@code 0.0.0.0} for all)
   * @param dataDir where the node keeps its durable state
   * @param tls TLS for the server and the peer connections, if any
   * @param protocol the protocol's timings and limits
   * @param snapshots when the node snapshots its state machine and compacts its log
   * @param commandTimeout how long a submitted command may wait for its outcome
   * @param bootstrapNew whether this node is one of the first members of a new cluster
   * @param clusterSecret the secret every member shares, if any
   * @param limits bounds on the connections the node's gRPC port accepts
   * @throws IllegalArgumentException if a component is out of bounds (see the canonical
   *     constructor)
   * @throws NullPointerException if a component that must not be null is null
   */
  public NodeSettings(
      ClusterConfig config,
      int nodeId,
      Map<Integer, Endpoint> addresses,
      String listenHost,
      Path dataDir,
      Optional<TlsConfig> tls,
      ProtocolOptions protocol,
      SnapshotOptions snapshots,
      Duration commandTimeout,
      boolean bootstrapNew,
      Optional<ClusterSecret> clusterSecret,
      ConnectionLimits limits) {
    this(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        false);
  }

  /**
   * {@return settings with the defaults for everything but the membership} Listen on all
   * interfaces, plaintext, {@link ProtocolOptions#defaults()}, {@link SnapshotOptions#defaults()},
   * {@link #DEFAULT_COMMAND_TIMEOUT}, a member of an existing cluster (not bootstrapping a new
   * one), no cluster secret and {@link ConnectionLimits#defaults()}.
   *
   * @param config the cluster's membership
   * @param nodeId this node's id, a member of {@code config}
   * @param addresses every member's address by id, this node's own included (it listens on its
   *     port)
   * @param dataDir this node's data directory
   * @throws IllegalArgumentException if {@code nodeId} is not a member, a member has no address, an
   *     address is given for a non-member, or two members share one
   */
  public static NodeSettings of(
      ClusterConfig config, int nodeId, Map<Integer, Endpoint> addresses, Path dataDir) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        "0.0.0.0",
        dataDir,
        Optional.empty(),
        ProtocolOptions.defaults(),
        SnapshotOptions.defaults(),
        DEFAULT_COMMAND_TIMEOUT,
        false,
        Optional.empty(),
        ConnectionLimits.defaults());
  }

  /** {@return the cluster's name} */
  public String clusterId() {
    return config.clusterId();
  }

  /** {@return this node's own address, whose port it listens on} */
  public Endpoint self() {
    return addresses.get(nodeId);
  }

  /**
   * {@return these settings listening on {@code host}}
   *
   * @param host a local IP address or host name to bind; {@code 0.0.0.0} for every interface
   */
  public NodeSettings withListenHost(String host) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        host,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings with TLS for the server and the connections to peers}
   *
   * @param tls usually {@link TlsConfig#mutual}; not null
   */
  public NodeSettings withTls(TlsConfig tls) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        Optional.of(tls),
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings with other protocol options}
   *
   * @param protocol the options; not null
   */
  public NodeSettings withProtocol(ProtocolOptions protocol) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings with another snapshot policy}
   *
   * @param snapshots the policy; not null
   */
  public NodeSettings withSnapshots(SnapshotOptions snapshots) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings with another command timeout}
   *
   * @param commandTimeout how long a command or read may stay unresolved; positive
   * @throws IllegalArgumentException if it is not positive
   */
  public NodeSettings withCommandTimeout(Duration commandTimeout) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings as the first start of a new cluster's member ({@code true}) or not}
   *
   * @param bootstrapNew true only on the first start of a new cluster's members (see {@code
   *     PaxosNodeBuilder.bootstrap})
   */
  public NodeSettings withBootstrapNew(boolean bootstrapNew) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings with peer streams authenticated by {@code secret}}
   *
   * @param secret the secret every member shares
   */
  public NodeSettings withClusterSecret(ClusterSecret secret) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        Optional.of(Objects.requireNonNull(secret, "secret")),
        limits,
        joining);
  }

  /**
   * {@return these settings with other bounds on connections}
   *
   * @param limits the bounds; not null
   */
  public NodeSettings withLimits(ConnectionLimits limits) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  /**
   * {@return these settings for a node started to join a running cluster ({@code true}) or started
   * as a member ({@code false}, the default)}
   *
   * @param joining see {@link #joining()}
   * @throws IllegalArgumentException if {@code joining} is false and this node is not a member
   */
  public NodeSettings withJoining(boolean joining) {
    return new NodeSettings(
        config,
        nodeId,
        addresses,
        listenHost,
        dataDir,
        tls,
        protocol,
        snapshots,
        commandTimeout,
        bootstrapNew,
        clusterSecret,
        limits,
        joining);
  }

  @Override
  public String toString() {
    return "node "
        + nodeId
        + " of "
        + config.clusterId()
        + " "
        + new TreeMap<>(addresses)
        + " data "
        + dataDir
        + (joining ? " joining" : "");
  }
}
