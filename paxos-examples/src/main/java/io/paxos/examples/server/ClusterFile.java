package io.paxos.examples.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A cluster file, read and validated: the cluster's name, its members (id, gRPC address, HTTP port,
 * roles, optionally a data directory each), the quorum sizes, and the settings it gives for the
 * protocol, snapshots, TLS, peer authentication, connection limits and the data directory. YAML or
 * JSON ({@code .json} files are read as JSON, anything else as YAML):
 *
 * <pre>{@code
 * cluster: local-3
 * members:
 *   - {id: 1, address: 127.0.0.1:9001, http: 8081, roles: [proposer, acceptor, learner]}
 *   - {id: 2, address: 127.0.0.1:9002, http: 8082}          # roles default to all three
 *   - {id: 3, address: 127.0.0.1:9003, priority: 10}         # leader priority, 0 (none) to 1000
 * quorums: {phase1: 2, phase2: 2}                             # optional: majorities
 * protocol: {heartbeat-interval: 50ms, election-timeout: 300ms..600ms, batch-max-bytes: 1MiB}
 * snapshots: {every-slots: 100000, every-bytes: 64MiB}        # or {enabled: false}
 * tls: {cert: node.pem, key: node-key.pem, ca: ca.pem, mtls: true}
 * cluster-secret-file: /etc/paxos/secret                   # peers prove it; never printed
 * connections: {max: 1000, handshake-timeout: 10s, idle-timeout: 5m}
 * data-dir: data/node-${id}
 * }</pre>
 *
 * <p>{@link #load} refuses, with one line naming the field, a field it does not know, a member
 * without an id or address, duplicate ids, addresses, or HTTP ports on one host, an unknown role, a
 * cluster with no proposer, acceptor or learner, and quorums that need not intersect. Scalar
 * settings ({@link #settings()}) are kept as written; {@link ConfigResolver} parses them, after
 * environment variables and flags had their say.
 *
 * <p>Immutable and thread-safe.
 *
 * @param path where it was read from
 * @param config the membership and quorums
 * @param nodes every member as the file describes it, ascending by id
 * @param quorumsGiven whether the file sets the quorums (otherwise majorities of the acceptors)
 * @param settings the scalar settings the file gives, with the field each came from
 */
public record ClusterFile(
    Path path,
    ClusterConfig config,
    List<Node> nodes,
    boolean quorumsGiven,
    Map<Setting, FileValue> settings) {

  /** The largest cluster file read: it holds a membership, not data. */
  static final long MAX_FILE_BYTES = 1 << 20;

  private static final List<String> TOP =
      List.of(
          "cluster",
          "members",
          "quorums",
          "protocol",
          "snapshots",
          "tls",
          "connections",
          "cluster-secret-file",
          "data-dir",
          "listen",
          "line-port",
          "oplog",
          "rowa-stores",
          "log-level",
          "stage-sample");
  private static final List<String> MEMBER =
      List.of("id", "address", "http", "roles", "data-dir", "priority");

  public ClusterFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(config, "config");
    nodes = List.copyOf(nodes);
    settings = Map.copyOf(settings);
  }

  /**
   * One member as the file describes it.
   *
   * @param id its node id
   * @param address where its peers and clients reach its gRPC port
   * @param http its HTTP port on the same host, if it serves HTTP
   * @param roles the roles it hosts
   * @param dataDir its own data directory, if the file gives one for it
   * @param priority its leader priority, 0 (none, the default) to {@link Member#MAX_PRIORITY}
   *     (docs/leader-priority.md)
   */
  public record Node(
      int id,
      Endpoint address,
      OptionalInt http,
      List<Role> roles,
      Optional<String> dataDir,
      int priority) {
    public Node {
      roles = List.copyOf(roles);
    }

    /** A member without leader priority. */
    public Node(
        int id, Endpoint address, OptionalInt http, List<Role> roles, Optional<String> dataDir) {
      this(id, address, http, roles, dataDir, 0);
    }

    /** Its HTTP address (the gRPC address's host), if it serves HTTP. */
    public Optional<Endpoint> httpAddress() {
      return http.isPresent()
          ? Optional.of(new Endpoint(address.host(), http.getAsInt()))
          : Optional.empty();
    }
  }

  /**
   * A scalar value as a cluster file writes it.
   *
   * @param text the value, as text
   * @param field the field it came from ({@code protocol.election-timeout})
   */
  public record FileValue(String text, String field) {}

  /** The cluster's name. */
  public String clusterId() {
    return config.clusterId();
  }

  /** The member with {@code id}, if there is one. */
  public Optional<Node> node(int id) {
    return nodes.stream().filter(n -> n.id() == id).findFirst();
  }

  /** Every member's gRPC address, by id. */
  public Map<Integer, Endpoint> addresses() {
    Map<Integer, Endpoint> addresses = new LinkedHashMap<>();
    nodes.forEach(n -> addresses.put(n.id(), n.address()));
    return addresses;
  }

  /** Every member's gRPC address, ascending by id: what a {@code PaxosClient} is given. */
  public List<Endpoint> endpoints() {
    return nodes.stream().map(Node::address).toList();
  }

  /**
   * Read and validate the cluster file at {@code path}.
   *
   * @throws ConfigException with one line naming the file, the field and what to change
   */
  public static ClusterFile load(Path path) {
    Objects.requireNonNull(path, "path");
    JsonNode root = read(path);
    Fields f = new Fields(path);
    if (!root.isObject()) {
      throw f.error("", "the file must be a mapping with cluster: and members:");
    }
    f.known(root, "", TOP);
    String clusterId = f.text(root, "cluster", "cluster").strip();
    if (clusterId.isEmpty()) {
      throw f.error("cluster", "is blank; give the cluster a name");
    }
    List<Node> nodes = new Members(f).read(root.get("members"));
    Map<Setting, FileValue> settings = new LinkedHashMap<>();
    for (String top :
        List.of(
            "data-dir",
            "listen",
            "line-port",
            "oplog",
            "rowa-stores",
            "log-level",
            "cluster-secret-file",
            "stage-sample")) {
      if (root.has(top)) {
        settings.put(Setting.byKey(top).orElseThrow(), f.scalar(root.get(top), top));
      }
    }
    for (String section : List.of("protocol", "snapshots", "tls", "connections")) {
      section(f, root.get(section), section, settings);
    }
    ClusterConfig config = Quorums.config(f, clusterId, nodes, root.get("quorums"));
    return new ClusterFile(path, config, nodes, root.has("quorums"), settings);
  }

  private static JsonNode read(Path path) {
    byte[] bytes;
    try {
      if (Files.size(path) > MAX_FILE_BYTES) {
        throw new ConfigException(
            path + ": the cluster file is larger than 1 MiB; is it the right file?");
      }
      bytes = Files.readAllBytes(path);
    } catch (IOException e) {
      throw new ConfigException(
          "cannot read the cluster file "
              + path
              + " ("
              + e.getClass().getSimpleName()
              + "); give --config a readable YAML or JSON file");
    }
    boolean json = path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    ObjectMapper mapper = json ? new ObjectMapper() : new ObjectMapper(new YAMLFactory());
    mapper.enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);
    try {
      JsonNode root = mapper.readTree(bytes);
      return root == null ? mapper.nullNode() : root;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException(
          path
              + ": not valid "
              + (json ? "JSON" : "YAML")
              + where
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse("").strip());
    } catch (IOException e) {
      throw new ConfigException("cannot read the cluster file " + path + ": " + e.getMessage());
    }
  }

  /**
   * The scalar settings of one section ({@code protocol}, {@code snapshots}, {@code tls}, {@code
   * connections}).
   */
  private static void section(
      Fields f, JsonNode node, String section, Map<Setting, FileValue> settings) {
    if (node == null) {
      return;
    }
    if (!node.isObject()) {
      throw f.error(section, "must be a mapping of settings");
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = section + "." + e.getKey();
      if (key.equals("protocol.election-timeout")) {
        electionTimeout(f, e.getValue(), key, settings);
        continue;
      }
      Optional<Setting> setting = Setting.byKey(key).filter(Setting::inFile);
      if (setting.isEmpty()) {
        throw f.unknown(key, known(section));
      }
      settings.put(setting.get(), f.scalar(e.getValue(), key));
    }
  }

  /** {@code election-timeout: 300ms..600ms}, or one duration for both ends. */
  private static void electionTimeout(
      Fields f, JsonNode node, String key, Map<Setting, FileValue> settings) {
    FileValue value = f.scalar(node, key);
    String[] ends = value.text().split("\\.\\.", -1);
    if (ends.length > 2 || ends[0].isBlank() || (ends.length == 2 && ends[1].isBlank())) {
      throw f.error(
          key, "'" + value.text() + "' is not a range; write MIN..MAX, e.g. 300ms..600ms");
    }
    settings.put(Setting.ELECTION_TIMEOUT_MIN, new FileValue(ends[0].strip(), key));
    settings.put(Setting.ELECTION_TIMEOUT_MAX, new FileValue(ends[ends.length - 1].strip(), key));
  }

  private static List<String> known(String section) {
    List<String> names = new ArrayList<>();
    if (section.equals("protocol")) {
      names.add("election-timeout");
    }
    for (Setting s : Setting.values()) {
      if (s.key().startsWith(section + ".")) {
        names.add(s.key().substring(section.length() + 1));
      }
    }
    return names;
  }

  static List<String> memberFields() {
    return MEMBER;
  }

  static Member member(Node n) {
    return new Member(n.id(), EnumSet.copyOf(n.roles()), n.priority());
  }
}
