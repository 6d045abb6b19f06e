package io.paxos.examples.server;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.grpc.ClusterSecret;
import io.paxos.grpc.ConnectionLimits;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.NodeSettings;
import io.paxos.grpc.TlsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;

/**
 * The effective configuration of one node of the key-value server, resolved by {@link
 * ConfigResolver} and valid: the cluster file, this node's id, and the typed value of every {@link
 * Setting} with where it came from. Immutable and thread-safe.
 *
 * @param file the cluster file (membership, quorums)
 * @param nodeId this node, one of the file's members
 * @param dataDir where the node keeps its log and snapshots
 * @param listenHost the local address gRPC and HTTP bind
 * @param logLevel the slf4j-simple log level
 * @param protocol the protocol's timings and limits
 * @param snapshots when the node snapshots
 * @param tls TLS for gRPC, if any
 * @param commandTimeout how long a command waits for its outcome
 * @param bootstrapNew whether this is the first start of a new cluster's member (see {@link
 *     NodeSettings#bootstrapNew()})
 * @param clusterSecret the secret peer streams prove, if any (never printed: {@link #describe()}
 *     shows only that it is set and where its file was named)
 * @param limits bounds on the connections the gRPC port accepts
 * @param linePort the port of the line protocol (UDP and TCP; 0: a free one), if it is served
 * @param oplog the file each applied slot is appended to ({@link io.paxos.examples.oplog.OpLog}),
 *     if one is written
 * @param rowaStores the stores a learner commits each chosen write to ({@link
 *     io.paxos.examples.rowa.Rowa}); empty: none
 * @param stageSample time one write in this many stage by stage ({@link
 *     io.paxos.core.runtime.PaxosNodeBuilder#writeStageSampling}); 0: off
 * @param sources every setting's value as written and where it came from
 */
public record ServerConfig(
    ClusterFile file,
    int nodeId,
    Path dataDir,
    String listenHost,
    String logLevel,
    ProtocolOptions protocol,
    SnapshotOptions snapshots,
    Optional<TlsConfig> tls,
    Duration commandTimeout,
    boolean bootstrapNew,
    Optional<ClusterSecret> clusterSecret,
    ConnectionLimits limits,
    OptionalInt linePort,
    Optional<Path> oplog,
    List<Endpoint> rowaStores,
    int stageSample,
    Map<Setting, Sourced> sources) {

  public ServerConfig {
    rowaStores = List.copyOf(rowaStores);
    sources = Map.copyOf(sources);
  }

  /**
   * Whether this node was started to join the running cluster ({@code --join}): the cluster file
   * does not list it (it is in {@link #file}'s nodes, not in its membership).
   */
  public boolean joining() {
    return !file.config().contains(nodeId);
  }

  /**
   * This node as the cluster file describes it (as {@code --join} gives it, for a joining node).
   */
  public ClusterFile.Node self() {
    return file.node(nodeId).orElseThrow();
  }

  /** Where this node's gRPC server listens. */
  public Endpoint grpcListen() {
    return new Endpoint(listenHost, self().address().port());
  }

  /** Where this node's HTTP API listens (the gRPC listen host), if the file gives it a port. */
  public Optional<Endpoint> httpListen() {
    return self().http().isPresent()
        ? Optional.of(new Endpoint(listenHost, self().http().getAsInt()))
        : Optional.empty();
  }

  /** What {@link io.paxos.grpc.NodeServer} needs to start this node. */
  public NodeSettings nodeSettings() {
    NodeSettings s =
        new NodeSettings(
            file.config(),
            nodeId,
            file.addresses(),
            listenHost,
            dataDir,
            Optional.empty(),
            protocol,
            snapshots,
            commandTimeout,
            bootstrapNew,
            clusterSecret,
            limits,
            joining());
    return tls.isPresent() ? s.withTls(tls.get()) : s;
  }

  /**
   * The effective configuration as text, one setting a line, each with its source: {@code default},
   * {@code file FIELD}, {@code env VARIABLE} or {@code flag --FLAG}.
   */
  public String describe() {
    List<String[]> rows = new ArrayList<>();
    for (Setting s : List.of(Setting.CONFIG, Setting.ID)) {
      rows.add(new String[] {s.key(), sources.get(s).text().strip(), sources.get(s).provenance()});
    }
    rows.add(new String[] {"cluster", file.clusterId(), "file cluster"});
    for (ClusterFile.Node n : file.nodes()) {
      rows.add(
          new String[] {
            "member " + n.id(),
            n.address()
                + (n.http().isPresent() ? " http " + n.http().getAsInt() : "")
                + " "
                + n.roles().stream().map(Members::name).collect(Collectors.joining(",", "[", "]"))
                + (n.priority() > 0 ? " priority " + n.priority() : "")
                + (n.id() == nodeId ? " (this node)" : ""),
            file.config().contains(n.id()) ? "file members" : "flag --join (joining)"
          });
    }
    rows.add(
        new String[] {
          "quorums",
          "phase1 "
              + file.config().phase1Quorum()
              + ", phase2 "
              + file.config().phase2Quorum()
              + " of "
              + file.config().idsWith(Role.ACCEPTOR).length
              + " acceptors",
          file.quorumsGiven() ? "file quorums" : "default (majorities)"
        });
    for (Setting s : Setting.values()) {
      Sourced v = sources.get(s);
      if (s == Setting.CONFIG || s == Setting.ID) {
        continue;
      } else if (v != null) {
        String from =
            s == Setting.LISTEN && v.source() == Source.DEFAULT
                ? "default (" + v.origin() + ")"
                : v.provenance();
        rows.add(new String[] {s.key(), effective(s, v), from});
      } else if (s.key().startsWith("tls.")) {
        rows.add(new String[] {s.key(), "(none: plaintext)", "default"});
      } else if (s == Setting.OPLOG) {
        rows.add(new String[] {s.key(), "(none: off)", "default"});
      } else if (s == Setting.LINE_PORT || s == Setting.ROWA_STORES) {
        rows.add(new String[] {s.key(), "(none: off)", "default"});
      } else if (s == Setting.JOIN || s == Setting.JOIN_HTTP) {
        rows.add(new String[] {s.key(), "(none: a member of the file)", "default"});
      } else if (s == Setting.CLUSTER_SECRET_FILE) {
        rows.add(new String[] {s.key(), "(none: peers are not authenticated)", "default"});
      }
    }
    int key = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    int value = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "# effective configuration of node %d of cluster %s (setting, value, source)%n",
            nodeId, file.clusterId()));
    for (String[] r : rows) {
      b.append(String.format("%-" + key + "s  %-" + value + "s  %s", r[0], r[1], r[2]))
          .append(System.lineSeparator());
    }
    return b.toString();
  }

  /** The value in effect, normalised where the text differs from it (e.g. a data-dir's id). */
  private String effective(Setting s, Sourced v) {
    return switch (s) {
      case DATA_DIR -> dataDir.toString();
      case LISTEN -> listenHost;
      case OPLOG -> oplog.map(Path::toString).orElse("(none: off)");
      case LOG_LEVEL -> logLevel;
      case CLUSTER_SECRET_FILE -> "(set)"; // the path might be the secret itself, pasted by mistake
      default -> v.text().strip();
    };
  }
}
