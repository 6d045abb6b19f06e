package io.paxos.examples.server;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.grpc.ConnectionLimits;
import io.paxos.grpc.NodeSettings;
import java.util.Optional;

/**
 * Every scalar setting of a node, with the name it has in a cluster file, its environment variable
 * and its flag. A value is taken from the flag if given, else from the environment, else from the
 * cluster file, else the default ({@link ConfigResolver}). The membership and the quorums come from
 * the cluster file only: every node must agree on them.
 */
public enum Setting {
  CONFIG("config", "PAXOS_CONFIG", "--config", "FILE", "The cluster file (YAML or JSON)."),
  ID("id", "PAXOS_ID", "--id", "N", "This node's id, one of the file's members."),
  BOOTSTRAP_NEW(
      "bootstrap-new",
      "PAXOS_BOOTSTRAP_NEW",
      "--bootstrap-new",
      "BOOL",
      "Only on the first start of a new cluster's members: create the data directory and let"
          + " its empty storage vote. Without it a missing directory is refused and an empty one"
          + " serves as a learner only (a member that lost its disk must not vote again)."),
  JOIN(
      "join",
      "PAXOS_JOIN",
      "--join",
      "HOST:PORT",
      "Start a node the cluster file does not list, to join the running cluster (kv members add"
          + " then adds it): its gRPC address, which the members reach it at. Give the cluster's"
          + " original file, a new --id and an empty --data-dir (created); the node hosts every"
          + " role. Give it on every start of that node."),
  JOIN_HTTP(
      "join-http",
      "PAXOS_JOIN_HTTP",
      "--join-http",
      "PORT",
      "With --join: also serve the HTTP API on this port of the listen address; unset: no HTTP."),
  DATA_DIR(
      "data-dir",
      "PAXOS_DATA_DIR",
      "--data-dir",
      "DIR",
      "Where this node keeps its log and snapshots; ${id} is replaced by the id."),
  LISTEN(
      "listen",
      "PAXOS_LISTEN",
      "--listen",
      "HOST",
      "The local address to bind gRPC and HTTP to (0.0.0.0: all); default: the host of the"
          + " member's address."),
  LOG_LEVEL(
      "log-level",
      "PAXOS_LOG_LEVEL",
      "--log-level",
      "LEVEL",
      "trace, debug, info, warn, error or off."),
  LINE_PORT(
      "line-port",
      "PAXOS_LINE_PORT",
      "--line-port",
      "PORT",
      "Also serve the line protocol (PUT key value, GET key, DEL key; one request a line or"
          + " datagram) over UDP and TCP on this port of the listen address; 0: a free port,"
          + " shown in the READY line; unset: off."),
  OPLOG(
      "oplog",
      "PAXOS_OPLOG",
      "--oplog",
      "FILE",
      "Append each applied slot as one line '<slot> <ops>' to this text file (${id} is replaced"
          + " by the id), for oplog-compare; a restart continues the file; unset: off."),
  ROWA_STORES(
      "rowa-stores",
      "PAXOS_ROWA_STORES",
      "--rowa-stores",
      "HOST:PORT,...",
      "A learner commits each chosen write to all of these stores (paxos-examples store) with"
          + " two-phase commit; unset: off."),
  HEARTBEAT_INTERVAL(
      "protocol.heartbeat-interval",
      "PAXOS_HEARTBEAT_INTERVAL",
      "--heartbeat-interval",
      "DURATION",
      "How often a leader sends heartbeats."),
  ELECTION_TIMEOUT_MIN(
      "protocol.election-timeout-min",
      "PAXOS_ELECTION_TIMEOUT_MIN",
      "--election-timeout-min",
      "DURATION",
      "Least time without a leader before a proposer runs for leader; above 2 heartbeats."),
  ELECTION_TIMEOUT_MAX(
      "protocol.election-timeout-max",
      "PAXOS_ELECTION_TIMEOUT_MAX",
      "--election-timeout-max",
      "DURATION",
      "Upper end of the randomized election timeout."),
  RETRANSMIT_INTERVAL(
      "protocol.retransmit-interval",
      "PAXOS_RETRANSMIT_INTERVAL",
      "--retransmit-interval",
      "DURATION",
      "How long a leader waits for votes before it sends an Accept again."),
  COMMAND_TIMEOUT(
      "protocol.command-timeout",
      "PAXOS_COMMAND_TIMEOUT",
      "--command-timeout",
      "DURATION",
      "How long a submitted command waits before its outcome is reported unknown."),
  WINDOW(
      "protocol.window",
      "PAXOS_WINDOW",
      "--window",
      "SLOTS",
      "Slots a leader may have in flight beyond the commit point."),
  BATCH_MAX_COMMANDS(
      "protocol.batch-max-commands",
      "PAXOS_BATCH_MAX_COMMANDS",
      "--batch-max-commands",
      "N",
      "Most commands batched into one slot."),
  BATCH_MAX_BYTES(
      "protocol.batch-max-bytes",
      "PAXOS_BATCH_MAX_BYTES",
      "--batch-max-bytes",
      "SIZE",
      "Most command bytes batched into one slot."),
  MAX_COMMAND_BYTES(
      "protocol.max-command-bytes",
      "PAXOS_MAX_COMMAND_BYTES",
      "--max-command-bytes",
      "SIZE",
      "Largest command a client may submit; at most batch-max-bytes."),
  MAX_SLOTS_PER_MESSAGE(
      "protocol.max-slots-per-message",
      "PAXOS_MAX_SLOTS_PER_MESSAGE",
      "--max-slots-per-message",
      "N",
      "Most slots in one Accept or catch-up message."),
  RETAINED_SLOTS(
      "protocol.retained-slots",
      "PAXOS_RETAINED_SLOTS",
      "--retained-slots",
      "N",
      "Delivered slots a learner keeps to serve its peers' catch-up."),
  MAX_MESSAGE_BYTES(
      "protocol.max-message-bytes",
      "PAXOS_MAX_MESSAGE_BYTES",
      "--max-message-bytes",
      "SIZE",
      "Largest peer message a node builds (batches, promises, catch-up are cut to it); must carry"
          + " one command of max-command-bytes, and peers accept up to 64MiB."),
  MAX_QUEUED_BYTES(
      "protocol.max-queued-bytes",
      "PAXOS_MAX_QUEUED_BYTES",
      "--max-queued-bytes",
      "SIZE",
      "Command bytes a leader holds not yet proposed before it answers OVERLOADED; at least"
          + " max-command-bytes."),
  MAX_SESSIONS(
      "protocol.max-sessions",
      "PAXOS_MAX_SESSIONS",
      "--max-sessions",
      "N",
      "Client sessions the replicated state keeps; beyond it the least recently used is"
          + " forgotten, the same one on every replica."),
  ACCEPTED_TO_LEARNERS(
      "protocol.accepted-to-learners",
      "PAXOS_ACCEPTED_TO_LEARNERS",
      "--accepted-to-learners",
      "BOOL",
      "Whether acceptors also send Accepted straight to the learners (one hop less)."),
  SNAPSHOTS_ENABLED(
      "snapshots.enabled",
      "PAXOS_SNAPSHOTS_ENABLED",
      "--snapshots-enabled",
      "BOOL",
      "false keeps the whole log (the node still installs snapshots its peers send)."),
  SNAPSHOT_EVERY_SLOTS(
      "snapshots.every-slots",
      "PAXOS_SNAPSHOT_EVERY_SLOTS",
      "--snapshot-every-slots",
      "N",
      "Snapshot after this many applied slots; 0: not by slot count."),
  SNAPSHOT_EVERY_BYTES(
      "snapshots.every-bytes",
      "PAXOS_SNAPSHOT_EVERY_BYTES",
      "--snapshot-every-bytes",
      "SIZE",
      "Snapshot after this many applied command bytes; 0: not by size."),
  SNAPSHOT_CHUNK_BYTES(
      "snapshots.chunk-bytes",
      "PAXOS_SNAPSHOT_CHUNK_BYTES",
      "--snapshot-chunk-bytes",
      "SIZE",
      "Most snapshot bytes sent to a peer in one message (up to 4MiB)."),
  TLS_CERT(
      "tls.cert",
      "PAXOS_TLS_CERT",
      "--tls-cert",
      "PEM",
      "This node's certificate chain (PEM); turns TLS on, with tls.key and tls.ca."),
  TLS_KEY(
      "tls.key", "PAXOS_TLS_KEY", "--tls-key", "PEM", "The certificate's private key (PKCS#8)."),
  TLS_CA("tls.ca", "PAXOS_TLS_CA", "--tls-ca", "PEM", "The CA certificates this node trusts."),
  TLS_MTLS(
      "tls.mtls",
      "PAXOS_TLS_MTLS",
      "--tls-mtls",
      "BOOL",
      "Require a certificate signed by the CA from every peer and client."),
  CLUSTER_SECRET_FILE(
      "cluster-secret-file",
      "PAXOS_CLUSTER_SECRET_FILE",
      "--cluster-secret-file",
      "FILE",
      "A file holding the secret every member shares (at least 16 bytes, e.g. from openssl rand"
          + " -hex 32): peer streams must prove it, so a node without it cannot join. Never"
          + " printed."),
  MAX_CONNECTIONS(
      "connections.max",
      "PAXOS_MAX_CONNECTIONS",
      "--max-connections",
      "N",
      "Connections the gRPC port holds open at once; one more is closed when accepted."),
  HANDSHAKE_TIMEOUT(
      "connections.handshake-timeout",
      "PAXOS_HANDSHAKE_TIMEOUT",
      "--handshake-timeout",
      "DURATION",
      "Time a new gRPC connection has to finish its TLS and HTTP/2 handshakes."),
  IDLE_TIMEOUT(
      "connections.idle-timeout",
      "PAXOS_IDLE_TIMEOUT",
      "--idle-timeout",
      "DURATION",
      "A gRPC connection with no call for this long is closed (clients reconnect)."),
  STAGE_SAMPLE(
      "stage-sample",
      "PAXOS_STAGE_SAMPLE",
      "--stage-sample",
      "N",
      "Time one write in N stage by stage through the write path and export each step on"
          + " /metrics as paxos_write_step_seconds{step}; 0: off (no cost).");

  private final String key;
  private final String env;
  private final String flag;
  private final String label;
  private final String description;

  Setting(String key, String env, String flag, String label, String description) {
    this.key = key;
    this.env = env;
    this.flag = flag;
    this.label = label;
    this.description = description;
  }

  /** The setting's name in a cluster file, dotted for nested fields ({@code protocol.window}). */
  public String key() {
    return key;
  }

  /** The environment variable that sets it. */
  public String env() {
    return env;
  }

  /** The command-line flag that sets it. */
  public String flag() {
    return flag;
  }

  /** The flag's parameter label in {@code --help}. */
  String label() {
    return label;
  }

  String description() {
    return description;
  }

  /**
   * Whether the cluster file may set it: {@code config}, {@code id}, {@code bootstrap-new} and the
   * joining node's {@code join} and {@code join-http} belong to one node (a file that said
   * bootstrap-new would say it on every restart, letting a member that lost its disk vote again).
   */
  boolean inFile() {
    return this != CONFIG
        && this != ID
        && this != BOOTSTRAP_NEW
        && this != JOIN
        && this != JOIN_HTTP;
  }

  /** The value used when nothing sets it, as it would be written; empty if there is none. */
  Optional<String> defaultValue() {
    ProtocolOptions p = ProtocolOptions.defaults();
    SnapshotOptions s = SnapshotOptions.defaults();
    ConnectionLimits c = ConnectionLimits.defaults();
    return Optional.ofNullable(
        switch (this) {
          case CONFIG,
              ID,
              JOIN,
              JOIN_HTTP,
              LISTEN,
              LINE_PORT,
              OPLOG,
              ROWA_STORES,
              TLS_CERT,
              TLS_KEY,
              TLS_CA,
              CLUSTER_SECRET_FILE ->
              null;
          case BOOTSTRAP_NEW -> "false";
          case DATA_DIR -> "paxos-data/node-${id}";
          case LOG_LEVEL -> "info";
          case HEARTBEAT_INTERVAL -> Units.formatMillis(p.heartbeatIntervalMs());
          case ELECTION_TIMEOUT_MIN -> Units.formatMillis(p.electionTimeoutMinMs());
          case ELECTION_TIMEOUT_MAX -> Units.formatMillis(p.electionTimeoutMaxMs());
          case RETRANSMIT_INTERVAL -> Units.formatMillis(p.retransmitMs());
          case COMMAND_TIMEOUT ->
              Units.formatMillis(NodeSettings.DEFAULT_COMMAND_TIMEOUT.toMillis());
          case WINDOW -> Integer.toString(p.window());
          case BATCH_MAX_COMMANDS -> Integer.toString(p.maxBatchCommands());
          case BATCH_MAX_BYTES -> Units.formatBytes(p.maxBatchBytes());
          case MAX_COMMAND_BYTES -> Units.formatBytes(p.maxCommandBytes());
          case MAX_SLOTS_PER_MESSAGE -> Integer.toString(p.maxSlotsPerMessage());
          case RETAINED_SLOTS -> Integer.toString(p.retainedSlots());
          case MAX_MESSAGE_BYTES -> Units.formatBytes(p.maxMessageBytes());
          case MAX_QUEUED_BYTES -> Units.formatBytes(p.maxQueuedBytes());
          case MAX_SESSIONS -> Integer.toString(p.maxSessions());
          case ACCEPTED_TO_LEARNERS -> Boolean.toString(p.acceptedToLearners());
          case SNAPSHOTS_ENABLED -> "true";
          case SNAPSHOT_EVERY_SLOTS -> Long.toString(s.intervalSlots());
          case SNAPSHOT_EVERY_BYTES -> Units.formatBytes(s.intervalBytes());
          case SNAPSHOT_CHUNK_BYTES -> Units.formatBytes(s.chunkBytes());
          case TLS_MTLS -> "false";
          case MAX_CONNECTIONS -> Integer.toString(c.maxConnections());
          case HANDSHAKE_TIMEOUT -> Units.formatMillis(c.handshakeTimeout().toMillis());
          case IDLE_TIMEOUT -> Units.formatMillis(c.maxConnectionIdle().toMillis());
          case STAGE_SAMPLE -> "0";
        });
  }

  /** The setting a cluster file names {@code key}, if any. */
  static Optional<Setting> byKey(String key) {
    for (Setting s : values()) {
      if (s.key.equals(key)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
