package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.SnapshotOptions;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one node process needs to know: the cluster, its own id, every member's address, where to
 * listen, its data directory, TLS files and when it snapshots. Immutable; validated when built.
 *
 * @param clusterId the cluster's name, shared by all its nodes
 * @param nodeId this node's id, one of {@code members}
 * @param members every member's id and address (peers and clients connect there)
 * @param listenHost the local address to bind ({@code 0.0.0.0} for all); the port is the one {@code
 *     members} gives this node
 * @param stateMachineClass the application's state machine (public, with a no-argument constructor)
 * @param dataDir where the node keeps its durable state
 * @param tls TLS for the server and the peer connections, if any
 * @param snapshots when the node snapshots its state machine and compacts its log
 * @param bootstrapNew whether this node is one of the first members of a new cluster ({@code
 *     --bootstrap-new}): only then is a missing data directory created, and an empty one votes;
 *     otherwise a missing directory is refused and an empty one serves as a learner only
 */
public record NodeSettings(
    String clusterId,
    int nodeId,
    Map<Integer, Endpoint> members,
    String listenHost,
    String stateMachineClass,
    Path dataDir,
    Optional<TlsConfig> tls,
    SnapshotOptions snapshots,
    boolean bootstrapNew) {

  public static final String USAGE =
      "usage: --cluster NAME --id N --members 1=host:port,2=host:port,3=host:port"
          + " --state-machine CLASS [--listen HOST] [--data-dir DIR]"
          + " [--tls-cert PEM --tls-key PEM --tls-ca PEM [--mtls]]"
          + " [--snapshot-every-slots N] [--snapshot-every-bytes SIZE] [--no-snapshots]"
          + " [--bootstrap-new]";

  private static final Set<String> FLAGS = Set.of("--mtls", "--no-snapshots", "--bootstrap-new");
  private static final Set<String> OPTIONS =
      Set.of(
          "--cluster",
          "--id",
          "--members",
          "--state-machine",
          "--listen",
          "--data-dir",
          "--tls-cert",
          "--tls-key",
          "--tls-ca",
          "--snapshot-every-slots",
          "--snapshot-every-bytes");
  private static final Pattern SIZE =
      Pattern.compile("(\\d{1,19})\\s*(|B|KiB|MiB|GiB)", Pattern.CASE_INSENSITIVE);

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
    Objects.requireNonNull(snapshots, "snapshots");
  }

  /** Settings of a member of an existing cluster (not {@code --bootstrap-new}). */
  public NodeSettings(
      String clusterId,
      int nodeId,
      Map<Integer, Endpoint> members,
      String listenHost,
      String stateMachineClass,
      Path dataDir,
      Optional<TlsConfig> tls,
      SnapshotOptions snapshots) {
    this(clusterId, nodeId, members, listenHost, stateMachineClass, dataDir, tls, snapshots, false);
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
      if (FLAGS.contains(key)) {
        options.put(key, "true");
      } else if (key.startsWith("--") && !OPTIONS.contains(key)) {
        throw new IllegalArgumentException("unknown option '" + key + "'; " + USAGE);
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
        tls(options),
        snapshots(options),
        options.containsKey("--bootstrap-new"));
  }

  /**
   * {@link SnapshotOptions#defaults()} with the intervals the options set, or {@link
   * SnapshotOptions#disabled()} for {@code --no-snapshots}.
   */
  private static SnapshotOptions snapshots(Map<String, String> options) {
    String slots = options.get("--snapshot-every-slots");
    String bytes = options.get("--snapshot-every-bytes");
    if (options.containsKey("--no-snapshots")) {
      if (slots != null || bytes != null) {
        throw new IllegalArgumentException(
            "--no-snapshots contradicts --snapshot-every-slots and --snapshot-every-bytes: give"
                + " one or the other; "
                + USAGE);
      }
      return SnapshotOptions.disabled();
    }
    SnapshotOptions snapshots = SnapshotOptions.defaults();
    if (slots != null) {
      snapshots = snapshots.withIntervalSlots(interval(slots, "--snapshot-every-slots"));
    }
    if (bytes != null) {
      snapshots = snapshots.withIntervalBytes(size(bytes, "--snapshot-every-bytes"));
    }
    if (!snapshots.enabled()) {
      throw new IllegalArgumentException(
          "--snapshot-every-slots 0 and --snapshot-every-bytes 0 leave no reason to take a"
              + " snapshot; say --no-snapshots if the log should never be compacted");
    }
    return snapshots;
  }

  private static long interval(String text, String what) {
    try {
      long value = Long.parseLong(text.strip());
      if (value >= 0) {
        return value;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    throw new IllegalArgumentException(
        what + " '" + text + "' must be a whole number, 0 or more (0: not by slot count)");
  }

  /** A byte count, with an optional unit: B, KiB, MiB or GiB. */
  private static long size(String text, String what) {
    Matcher m = SIZE.matcher(text.strip());
    String why =
        "must be a size in bytes, 0 or more, optionally in KiB, MiB or GiB (0: not by size)";
    if (!m.matches()) {
      throw new IllegalArgumentException(what + " '" + text + "' " + why);
    }
    int shift =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "kib" -> 10;
          case "mib" -> 20;
          case "gib" -> 30;
          default -> 0;
        };
    try {
      long value = Long.parseLong(m.group(1));
      if (value > Long.MAX_VALUE >> shift) {
        throw new NumberFormatException();
      }
      return value << shift;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(what + " '" + text + "' is too large", e);
    }
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
