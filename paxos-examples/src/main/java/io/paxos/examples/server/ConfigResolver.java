package io.paxos.examples.server;

import io.paxos.core.config.Member;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.grpc.ClusterSecret;
import io.paxos.grpc.ConnectionLimits;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.PaxosServer;
import io.paxos.grpc.TlsConfig;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Works out a node's effective configuration from four layers, each overriding the one before: the
 * defaults, the cluster file, environment variables ({@code PAXOS_*}, see {@link Setting#env()})
 * and flags. Every value keeps where it came from ({@link Sourced}), for {@code --print-config} and
 * for errors, which name the flag, variable or file field to change.
 *
 * <p>The environment is passed in as a map, so tests do not depend on the real one. Resolving reads
 * the cluster file, checks that TLS files are readable and reads the cluster secret; it touches
 * nothing else (no data directory, no port). Stateless and thread-safe.
 */
public final class ConfigResolver {
  private static final Set<String> LOG_LEVELS =
      Set.of("trace", "debug", "info", "warn", "error", "off");
  private static final int MAX_CHUNK_BYTES = 4 << 20;

  private ConfigResolver() {}

  /**
   * The effective configuration given these flags and this environment.
   *
   * @param flags the values of the flags given, as written
   * @param env the environment variables (only {@code PAXOS_*} ones are read)
   * @param warnings told about each {@code PAXOS_*} variable that is not a setting (likely a typo)
   * @throws ConfigException with one line naming the setting, its origin and what to change
   */
  public static ServerConfig resolve(
      Map<Setting, String> flags, Map<String, String> env, Consumer<String> warnings) {
    Objects.requireNonNull(flags, "flags");
    Objects.requireNonNull(env, "env");
    Map<Setting, Sourced> values = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      s.defaultValue().ifPresent(d -> values.put(s, new Sourced(d, Source.DEFAULT, s.key())));
    }
    Map<Setting, Sourced> overrides = new EnumMap<>(Setting.class);
    for (Setting s : Setting.values()) {
      String fromEnv = env.get(s.env());
      if (fromEnv != null) {
        overrides.put(s, new Sourced(fromEnv, Source.ENV, s.env()));
      }
    }
    flags.forEach((s, text) -> overrides.put(s, new Sourced(text, Source.FLAG, s.flag())));
    warnUnknown(env, warnings);

    Sourced config = overrides.get(Setting.CONFIG);
    if (config == null || config.text().isBlank()) {
      throw new ConfigException(
          "no cluster file: give --config FILE or set PAXOS_CONFIG (for example"
              + " paxos-examples/config/local-3.yaml)");
    }
    ClusterFile file = ClusterFile.load(Path.of(config.text().strip()));
    Sourced idText = overrides.get(Setting.ID);
    if (idText == null || idText.text().isBlank()) {
      throw new ConfigException(
          "no node id: give --id N or set PAXOS_ID, one of the members of "
              + file.clusterId()
              + " "
              + ids(file));
    }
    String fileName = file.path().toString();
    int id = (int) Units.number(idText.text(), idText.where(fileName));
    Sourced join = overrides.get(Setting.JOIN);
    if (join != null && !join.text().isBlank()) {
      file = Joining.add(file, id, join, overrides.get(Setting.JOIN_HTTP));
    } else if (overrides.containsKey(Setting.JOIN_HTTP)) {
      throw new ConfigException(
          overrides.get(Setting.JOIN_HTTP).where(file.path().toString())
              + ": only a joining node takes it; give --join HOST:PORT too, or drop it");
    }
    if (id < 1 || id > Member.MAX_ID || file.node(id).isEmpty()) {
      throw new ConfigException(
          idText.where(fileName)
              + ": "
              + idText.text().strip()
              + " is not a member of "
              + file.clusterId()
              + " in "
              + fileName
              + "; give one of "
              + ids(file)
              + ", or --join HOST:PORT to add a new node to the running cluster");
    }
    ClusterFile.Node self = file.node(id).orElseThrow();

    file.settings().forEach((s, v) -> values.put(s, new Sourced(v.text(), Source.FILE, v.field())));
    self.dataDir()
        .ifPresent(
            dir ->
                values.put(
                    Setting.DATA_DIR,
                    new Sourced(dir, Source.FILE, "members[id=" + id + "].data-dir")));
    values.put(
        Setting.LISTEN,
        new Sourced(
            self.address().host(), Source.DEFAULT, "the host of member " + id + "'s address"));
    values.putAll(overrides);
    return new Typed(file, id, values).build();
  }

  private static String ids(ClusterFile file) {
    StringBuilder b = new StringBuilder();
    for (ClusterFile.Node n : file.nodes()) {
      b.append(b.length() == 0 ? "" : ", ").append(n.id());
    }
    return b.toString();
  }

  private static void warnUnknown(Map<String, String> env, Consumer<String> warnings) {
    Set<String> known = new TreeSet<>();
    for (Setting s : Setting.values()) {
      known.add(s.env());
    }
    for (String name : new TreeSet<>(env.keySet())) {
      if (name.startsWith("PAXOS_") && !known.contains(name)) {
        warnings.accept(
            "warning: ignoring the environment variable " + name + ", which is not a setting");
      }
    }
  }

  /** The typed values of one resolution. Not thread-safe. */
  private static final class Typed {
    private final ClusterFile file;
    private final int id;
    private final Map<Setting, Sourced> values;
    private final String fileName;

    Typed(ClusterFile file, int id, Map<Setting, Sourced> values) {
      this.file = file;
      this.id = id;
      this.values = values;
      this.fileName = file.path().toString();
    }

    ServerConfig build() {
      String logLevel = text(Setting.LOG_LEVEL).toLowerCase(Locale.ROOT);
      if (!LOG_LEVELS.contains(logLevel)) {
        throw error(Setting.LOG_LEVEL, "use trace, debug, info, warn, error or off");
      }
      String listen = text(Setting.LISTEN);
      if (listen.isEmpty()) {
        throw error(Setting.LISTEN, "is blank; give a local address such as 0.0.0.0");
      }
      String dataDir = text(Setting.DATA_DIR).replace("${id}", Integer.toString(id));
      if (dataDir.isEmpty()) {
        throw error(Setting.DATA_DIR, "is blank; give a directory for this node's log");
      }
      return new ServerConfig(
          file,
          id,
          Path.of(dataDir),
          listen,
          logLevel,
          protocol(),
          snapshots(),
          tls(),
          Duration.ofMillis(millis(Setting.COMMAND_TIMEOUT)),
          bool(Setting.BOOTSTRAP_NEW),
          clusterSecret(),
          limits(),
          linePort(),
          oplog(id),
          rowaStores(),
          stageSample(),
          values);
    }

    private ProtocolOptions protocol() {
      long heartbeat = millis(Setting.HEARTBEAT_INTERVAL);
      long min = millis(Setting.ELECTION_TIMEOUT_MIN);
      long max = millis(Setting.ELECTION_TIMEOUT_MAX);
      if (min <= 2 * heartbeat) {
        throw error(
            Setting.ELECTION_TIMEOUT_MIN,
            "must exceed two heartbeat intervals ("
                + Units.formatMillis(2 * heartbeat)
                + ", from "
                + where(Setting.HEARTBEAT_INTERVAL)
                + ") or followers depose healthy leaders; raise it or lower the heartbeat interval");
      }
      if (max < min) {
        throw error(
            Setting.ELECTION_TIMEOUT_MAX,
            "is below the minimum "
                + Units.formatMillis(min)
                + " (from "
                + where(Setting.ELECTION_TIMEOUT_MIN)
                + "); raise it");
      }
      int batchBytes = intSize(Setting.BATCH_MAX_BYTES);
      int commandBytes = intSize(Setting.MAX_COMMAND_BYTES);
      if (commandBytes > batchBytes) {
        throw error(
            Setting.MAX_COMMAND_BYTES,
            "exceeds batch-max-bytes "
                + Units.formatBytes(batchBytes)
                + " (from "
                + where(Setting.BATCH_MAX_BYTES)
                + "); a command must fit a batch");
      }
      int messageBytes = intSize(Setting.MAX_MESSAGE_BYTES);
      if (messageBytes > PaxosServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES) {
        throw error(
            Setting.MAX_MESSAGE_BYTES,
            "exceeds the "
                + Units.formatBytes(PaxosServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES)
                + " a node accepts from its peers; lower it");
      }
      long oneCommand = ProtocolOptions.oneCommandMessageBytes(commandBytes);
      if (messageBytes < oneCommand) {
        throw error(
            Setting.MAX_MESSAGE_BYTES,
            "cannot carry one command of max-command-bytes "
                + Units.formatBytes(commandBytes)
                + " (from "
                + where(Setting.MAX_COMMAND_BYTES)
                + "), "
                + oneCommand
                + " bytes with its framing; raise it or lower max-command-bytes");
      }
      long queuedBytes =
          Units.bytes(text(Setting.MAX_QUEUED_BYTES), where(Setting.MAX_QUEUED_BYTES));
      if (queuedBytes < commandBytes) {
        throw error(
            Setting.MAX_QUEUED_BYTES,
            "is below max-command-bytes "
                + Units.formatBytes(commandBytes)
                + " (from "
                + where(Setting.MAX_COMMAND_BYTES)
                + "): no command could be queued; raise it");
      }
      return new ProtocolOptions(
          heartbeat,
          min,
          max,
          millis(Setting.RETRANSMIT_INTERVAL),
          count(Setting.WINDOW),
          count(Setting.BATCH_MAX_COMMANDS),
          batchBytes,
          commandBytes,
          count(Setting.MAX_SLOTS_PER_MESSAGE),
          count(Setting.RETAINED_SLOTS),
          bool(Setting.ACCEPTED_TO_LEARNERS),
          messageBytes,
          queuedBytes,
          count(Setting.MAX_SESSIONS));
    }

    private SnapshotOptions snapshots() {
      long chunk =
          Units.bytes(text(Setting.SNAPSHOT_CHUNK_BYTES), where(Setting.SNAPSHOT_CHUNK_BYTES));
      if (chunk < 1 || chunk > MAX_CHUNK_BYTES) {
        throw error(Setting.SNAPSHOT_CHUNK_BYTES, "give 1 byte to 4MiB");
      }
      if (!bool(Setting.SNAPSHOTS_ENABLED)) {
        return SnapshotOptions.disabled().withChunkBytes((int) chunk);
      }
      long slots =
          Units.number(text(Setting.SNAPSHOT_EVERY_SLOTS), where(Setting.SNAPSHOT_EVERY_SLOTS));
      if (slots < 0) {
        throw error(Setting.SNAPSHOT_EVERY_SLOTS, "is negative; give 0 or more (0: not by slots)");
      }
      long bytes =
          Units.bytes(text(Setting.SNAPSHOT_EVERY_BYTES), where(Setting.SNAPSHOT_EVERY_BYTES));
      if (slots == 0 && bytes == 0) {
        throw error(
            Setting.SNAPSHOT_EVERY_SLOTS,
            "and snapshots.every-bytes are both 0, which leaves no reason to take a snapshot; set"
                + " snapshots.enabled to false to keep the whole log");
      }
      return new SnapshotOptions(slots, bytes, (int) chunk);
    }

    private Optional<TlsConfig> tls() {
      boolean any =
          values.containsKey(Setting.TLS_CERT)
              || values.containsKey(Setting.TLS_KEY)
              || values.containsKey(Setting.TLS_CA);
      if (!any) {
        if (bool(Setting.TLS_MTLS)) {
          throw error(Setting.TLS_MTLS, "needs tls.cert, tls.key and tls.ca");
        }
        return Optional.empty();
      }
      Path cert = tlsFile(Setting.TLS_CERT);
      Path key = tlsFile(Setting.TLS_KEY);
      Path ca = tlsFile(Setting.TLS_CA);
      return Optional.of(
          bool(Setting.TLS_MTLS)
              ? TlsConfig.mutual(cert, key, ca)
              : TlsConfig.server(cert, key, ca));
    }

    /**
     * The secret in the file that cluster-secret-file names. Errors never show the value: someone
     * may have given the secret itself instead of its file.
     */
    private Optional<ClusterSecret> clusterSecret() {
      if (!values.containsKey(Setting.CLUSTER_SECRET_FILE)) {
        return Optional.empty();
      }
      String name = text(Setting.CLUSTER_SECRET_FILE);
      String where = where(Setting.CLUSTER_SECRET_FILE);
      if (name.isEmpty()) {
        throw new ConfigException(where + " is blank; give the file that holds the secret");
      }
      Path path;
      try {
        path = Path.of(name);
      } catch (InvalidPathException e) {
        throw new ConfigException(
            where + " is not a file name; give the file that holds the secret");
      }
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw new ConfigException(
            where
                + ": the file does not exist or is not readable; give a readable file that holds"
                + " the secret");
      }
      try {
        return Optional.of(ClusterSecret.fromFile(path));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(
            where
                + ": the file holds fewer than "
                + ClusterSecret.MIN_BYTES
                + " bytes (surrounding whitespace ignored); put at least "
                + ClusterSecret.MIN_BYTES
                + " random bytes in it, e.g. openssl rand -hex 32 > FILE");
      }
    }

    private OptionalInt linePort() {
      if (!values.containsKey(Setting.LINE_PORT)) {
        return OptionalInt.empty();
      }
      long port = Units.number(text(Setting.LINE_PORT), where(Setting.LINE_PORT));
      if (port < 0 || port > 65_535) {
        throw error(
            Setting.LINE_PORT, "is out of range; give a port from 1 to 65535, or 0 for any");
      }
      ClusterFile.Node self = file.node(id).orElseThrow();
      if (port != 0
          && (port == self.address().port()
              || (self.http().isPresent() && port == self.http().getAsInt()))) {
        throw error(
            Setting.LINE_PORT,
            "is this member's gRPC or HTTP port in " + fileName + "; give another port");
      }
      return OptionalInt.of((int) port);
    }

    /** The stores of the read-one/write-all example, if set. */
    /** 0 (off), or time one write in N. */
    private int stageSample() {
      long n = Units.number(text(Setting.STAGE_SAMPLE), where(Setting.STAGE_SAMPLE));
      if (n < 0 || n > Integer.MAX_VALUE) {
        throw error(
            Setting.STAGE_SAMPLE,
            "is out of range; give 0 (off) or 1 to " + Integer.MAX_VALUE + " (one write in N)");
      }
      return (int) n;
    }

    private List<Endpoint> rowaStores() {
      if (!values.containsKey(Setting.ROWA_STORES)) {
        return List.of();
      }
      try {
        return Endpoint.parseList(text(Setting.ROWA_STORES));
      } catch (IllegalArgumentException e) {
        throw error(Setting.ROWA_STORES, e.getMessage() + "; give the stores as host:port,...");
      }
    }

    /** The oplog file, {@code ${id}} replaced by the id, if one is set. */
    private Optional<Path> oplog(int id) {
      if (!values.containsKey(Setting.OPLOG)) {
        return Optional.empty();
      }
      String name = text(Setting.OPLOG).replace("${id}", Integer.toString(id));
      if (name.isEmpty()) {
        throw error(Setting.OPLOG, "is blank; give a file, or leave oplog unset");
      }
      try {
        return Optional.of(Path.of(name));
      } catch (InvalidPathException e) {
        throw error(Setting.OPLOG, "is not a file name; give a file such as oplog-${id}.txt");
      }
    }

    private ConnectionLimits limits() {
      long max = Units.number(text(Setting.MAX_CONNECTIONS), where(Setting.MAX_CONNECTIONS));
      if (max < 1 || max > Integer.MAX_VALUE) {
        throw error(
            Setting.MAX_CONNECTIONS,
            "is out of range; give 1 to " + Integer.MAX_VALUE + " (peers need connections too)");
      }
      return ConnectionLimits.defaults()
          .withMaxConnections((int) max)
          .withHandshakeTimeout(Duration.ofMillis(upToADay(Setting.HANDSHAKE_TIMEOUT)))
          .withMaxConnectionIdle(Duration.ofMillis(upToADay(Setting.IDLE_TIMEOUT)));
    }

    /** A duration from 1ms to one day, in milliseconds. */
    private long upToADay(Setting s) {
      long ms = millis(s);
      if (ms > Duration.ofDays(1).toMillis()) {
        throw error(s, "is out of range; give 1ms to 24h");
      }
      return ms;
    }

    private Path tlsFile(Setting s) {
      if (!values.containsKey(s)) {
        throw new ConfigException(
            s.key()
                + " is missing: TLS needs tls.cert, tls.key and tls.ca (flags --tls-cert,"
                + " --tls-key, --tls-ca)");
      }
      Path path = Path.of(text(s));
      if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
        throw error(s, "does not exist or is not readable; give a readable PEM file");
      }
      return path;
    }

    private String text(Setting s) {
      return values.get(s).text().strip();
    }

    private String where(Setting s) {
      return values.get(s).where(fileName);
    }

    private ConfigException error(Setting s, String problem) {
      return new ConfigException(where(s) + ": '" + text(s) + "' " + problem);
    }

    private long millis(Setting s) {
      long ms = Units.millis(text(s), where(s));
      if (ms < 1) {
        throw error(s, "must be at least 1ms");
      }
      return ms;
    }

    /** A positive count that fits an int. */
    private int count(Setting s) {
      long n = Units.number(text(s), where(s));
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw error(s, "is out of range; give 1 to " + Integer.MAX_VALUE);
      }
      return (int) n;
    }

    /** A positive size that fits an int. */
    private int intSize(Setting s) {
      long n = Units.bytes(text(s), where(s));
      if (n < 1 || n > Integer.MAX_VALUE) {
        throw error(s, "is out of range; give 1 byte to " + Units.formatBytes(Integer.MAX_VALUE));
      }
      return (int) n;
    }

    private boolean bool(Setting s) {
      return switch (text(s).toLowerCase(Locale.ROOT)) {
        case "true" -> true;
        case "false" -> false;
        default -> throw error(s, "is not a boolean; give true or false");
      };
    }
  }
}
