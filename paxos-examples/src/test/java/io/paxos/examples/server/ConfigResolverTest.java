package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.NodeSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigResolverTest {
  @TempDir Path dir;
  private Path file;
  private final Map<Setting, String> flags = new EnumMap<>(Setting.class);
  private final Map<String, String> env = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void writeFile() throws IOException {
    file = dir.resolve("c.yaml");
    Files.writeString(
        file,
        """
        cluster: t
        members:
          - {id: 1, address: 127.0.0.1:9001, http: 8081}
          - {id: 2, address: 127.0.0.1:9002, data-dir: /two}
          - {id: 3, address: 127.0.0.1:9003}
        protocol: {heartbeat-interval: 40ms, window: 32}
        data-dir: d/node-${id}
        """);
    flags.put(Setting.CONFIG, file.toString());
    flags.put(Setting.ID, "1");
  }

  private ServerConfig resolve() {
    return ConfigResolver.resolve(flags, env, warnings::add);
  }

  private String refusal() {
    try {
      resolve();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain("\n");
      return e.getMessage();
    }
    throw new AssertionError("resolved");
  }

  @Test
  void withNothingSetTheDefaultsAreTheLibrarys() throws IOException {
    Files.writeString(file, "cluster: t\nmembers:\n  - {id: 1, address: 127.0.0.1:9001}\n");
    ServerConfig c = resolve();
    assertThat(c.protocol()).isEqualTo(ProtocolOptions.defaults());
    assertThat(c.snapshots()).isEqualTo(SnapshotOptions.defaults());
    assertThat(c.commandTimeout()).isEqualTo(NodeSettings.DEFAULT_COMMAND_TIMEOUT);
    assertThat(c.dataDir()).isEqualTo(Path.of("paxos-data/node-1"));
    assertThat(c.listenHost()).isEqualTo("127.0.0.1");
    assertThat(c.logLevel()).isEqualTo("info");
    assertThat(c.tls()).isEmpty();
    assertThat(c.httpListen()).isEmpty();
    assertThat(c.sources().get(Setting.WINDOW).source()).isEqualTo(Source.DEFAULT);
  }

  @Test
  void theLinePortIsOffUnlessSetAndMayComeFromAnyLayer() throws IOException {
    assertThat(resolve().linePort()).isEmpty();
    assertThat(resolve().describe()).containsPattern("line-port +\\(none: off\\) +default");
    Files.writeString(file, Files.readString(file) + "line-port: 7000\n");
    assertThat(resolve().linePort()).hasValue(7000);
    assertThat(resolve().describe()).containsPattern("line-port +7000 +file line-port");
    env.put("PAXOS_LINE_PORT", "0");
    assertThat(resolve().linePort()).hasValue(0);
    flags.put(Setting.LINE_PORT, "65535");
    assertThat(resolve().linePort()).hasValue(65535);
    assertThat(resolve().describe()).containsPattern("line-port +65535 +flag --line-port");
  }

  @Test
  void theRowaStoresAreOffUnlessSetAndABadListIsRefused() throws IOException {
    assertThat(resolve().rowaStores()).isEmpty();
    assertThat(resolve().describe()).containsPattern("rowa-stores +\\(none: off\\) +default");
    Files.writeString(file, Files.readString(file) + "rowa-stores: 127.0.0.1:7301,h2:7302\n");
    assertThat(resolve().rowaStores())
        .containsExactly(new Endpoint("127.0.0.1", 7301), new Endpoint("h2", 7302));
    flags.put(Setting.ROWA_STORES, "127.0.0.1:7301,");
    assertThatThrownBy(this::resolve)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("rowa-stores")
        .hasMessageContaining("give the stores as host:port,...");
    flags.put(Setting.ROWA_STORES, "127.0.0.1:65536");
    assertThatThrownBy(this::resolve).isInstanceOf(ConfigException.class);
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFile() {
    ServerConfig c = resolve();
    assertThat(c.protocol().heartbeatIntervalMs()).isEqualTo(40);
    assertThat(c.protocol().window()).isEqualTo(32);
    assertThat(c.sources().get(Setting.WINDOW))
        .isEqualTo(new Sourced("32", Source.FILE, "protocol.window"));
    assertThat(c.dataDir()).isEqualTo(Path.of("d/node-1"));

    env.put("PAXOS_WINDOW", "16");
    env.put("PAXOS_HEARTBEAT_INTERVAL", "30ms");
    env.put("PAXOS_DATA_DIR", "e/${id}");
    env.put("PAXOS_LOG_LEVEL", "DEBUG");
    c = resolve();
    assertThat(c.protocol().window()).isEqualTo(16);
    assertThat(c.protocol().heartbeatIntervalMs()).isEqualTo(30);
    assertThat(c.dataDir()).isEqualTo(Path.of("e/1"));
    assertThat(c.logLevel()).isEqualTo("debug");
    assertThat(c.sources().get(Setting.WINDOW))
        .isEqualTo(new Sourced("16", Source.ENV, "PAXOS_WINDOW"));

    flags.put(Setting.WINDOW, "8");
    flags.put(Setting.DATA_DIR, "f");
    c = resolve();
    assertThat(c.protocol().window()).isEqualTo(8);
    assertThat(c.protocol().heartbeatIntervalMs()).isEqualTo(30);
    assertThat(c.dataDir()).isEqualTo(Path.of("f"));
    assertThat(c.sources().get(Setting.WINDOW))
        .isEqualTo(new Sourced("8", Source.FLAG, "--window"));
  }

  @Test
  void theConfigFileAndIdMayComeFromTheEnvironment() {
    flags.clear();
    env.put("PAXOS_CONFIG", file.toString());
    env.put("PAXOS_ID", "3");
    ServerConfig c = resolve();
    assertThat(c.nodeId()).isEqualTo(3);
    assertThat(c.sources().get(Setting.ID).provenance()).isEqualTo("env PAXOS_ID");
    flags.put(Setting.ID, "2");
    assertThat(resolve().nodeId()).isEqualTo(2);
  }

  @Test
  void aMembersOwnDataDirBeatsTheFilesButNotTheEnvironment() {
    flags.put(Setting.ID, "2");
    assertThat(resolve().dataDir()).isEqualTo(Path.of("/two"));
    assertThat(resolve().sources().get(Setting.DATA_DIR).origin())
        .isEqualTo("members[id=2].data-dir");
    env.put("PAXOS_DATA_DIR", "/env");
    assertThat(resolve().dataDir()).isEqualTo(Path.of("/env"));
  }

  @Test
  void everyTimingAndLimitHasAVariable() {
    env.put("PAXOS_HEARTBEAT_INTERVAL", "10ms");
    env.put("PAXOS_ELECTION_TIMEOUT_MIN", "1s");
    env.put("PAXOS_ELECTION_TIMEOUT_MAX", "2s");
    env.put("PAXOS_RETRANSMIT_INTERVAL", "70ms");
    env.put("PAXOS_COMMAND_TIMEOUT", "1m");
    env.put("PAXOS_BATCH_MAX_COMMANDS", "100");
    env.put("PAXOS_BATCH_MAX_BYTES", "2MiB");
    env.put("PAXOS_MAX_COMMAND_BYTES", "64KiB");
    env.put("PAXOS_MAX_SLOTS_PER_MESSAGE", "9");
    env.put("PAXOS_RETAINED_SLOTS", "99");
    env.put("PAXOS_ACCEPTED_TO_LEARNERS", "true");
    env.put("PAXOS_MAX_MESSAGE_BYTES", "4MiB");
    env.put("PAXOS_MAX_QUEUED_BYTES", "8GiB");
    env.put("PAXOS_MAX_SESSIONS", "7");
    env.put("PAXOS_SNAPSHOT_EVERY_SLOTS", "0");
    env.put("PAXOS_SNAPSHOT_EVERY_BYTES", "1GiB");
    env.put("PAXOS_SNAPSHOT_CHUNK_BYTES", "4MiB");
    env.put("PAXOS_LISTEN", "0.0.0.0");
    ServerConfig c = resolve();
    assertThat(c.protocol())
        .isEqualTo(
            new ProtocolOptions(
                10, 1000, 2000, 70, 32, 100, 2 << 20, 64 << 10, 9, 99, true, 4 << 20, 8L << 30, 7));
    assertThat(c.commandTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.snapshots()).isEqualTo(new SnapshotOptions(0, 1L << 30, 4 << 20));
    assertThat(c.listenHost()).isEqualTo("0.0.0.0");
    assertThat(c.nodeSettings().listenHost()).isEqualTo("0.0.0.0");
    assertThat(c.nodeSettings().protocol()).isEqualTo(c.protocol());
    assertThat(warnings).isEmpty();

    env.put("PAXOS_SNAPSHOTS_ENABLED", "false");
    assertThat(resolve().snapshots().enabled()).isFalse();
  }

  @Test
  void anUnknownPaxosVariableIsWarnedAbout() {
    env.put("PAXOS_HEARTBEAT", "5ms");
    env.put("HOME", "/root");
    resolve();
    assertThat(warnings)
        .containsExactly(
            "warning: ignoring the environment variable PAXOS_HEARTBEAT, which is not a setting");
  }

  @Test
  void refusesNoFileNoIdAndAnIdThatIsNotAMember() {
    flags.remove(Setting.ID);
    assertThat(refusal())
        .isEqualTo("no node id: give --id N or set PAXOS_ID, one of the members of t 1, 2, 3");
    flags.put(Setting.ID, "7");
    assertThat(refusal())
        .isEqualTo(
            "--id: 7 is not a member of t in "
                + file
                + "; give one of 1, 2, 3, or --join HOST:PORT to add a new node to the running"
                + " cluster");
    flags.remove(Setting.ID);
    env.put("PAXOS_ID", "-1");
    assertThat(refusal()).startsWith("PAXOS_ID: -1 is not a member of t");
    env.put("PAXOS_ID", "one");
    assertThat(refusal()).isEqualTo("PAXOS_ID: 'one' is not a whole number");
    flags.remove(Setting.CONFIG);
    assertThat(refusal()).startsWith("no cluster file: give --config FILE or set PAXOS_CONFIG");
  }

  @Test
  void aJoiningNodeIsAddedToTheFilesNodesNotToItsMembership() {
    flags.put(Setting.ID, "7");
    flags.put(Setting.JOIN, "127.0.0.1:9107");
    flags.put(Setting.JOIN_HTTP, "8107");
    ServerConfig c = resolve();
    assertThat(c.joining()).isTrue();
    assertThat(c.file().config().contains(7)).isFalse();
    assertThat(c.self().address()).isEqualTo(new Endpoint("127.0.0.1", 9107));
    assertThat(c.httpListen().orElseThrow().port()).isEqualTo(8107);
    assertThat(c.nodeSettings().joining()).isTrue();
    assertThat(c.nodeSettings().addresses()).containsKeys(1, 2, 3, 7);
    assertThat(c.describe())
        .containsPattern("member 7 +127.0.0.1:9107 .*\\(this node\\) +flag --join");

    flags.put(Setting.ID, "2");
    assertThat(refusal()).startsWith("--join: node 2 is a member in " + file + " already");
    flags.put(Setting.ID, "7");
    flags.put(Setting.JOIN, "nowhere");
    assertThat(refusal()).startsWith("--join: ").endsWith("; give HOST:PORT");
    flags.put(Setting.JOIN, c.file().node(1).orElseThrow().address().toString());
    assertThat(refusal()).contains("is member 1's address");
    flags.put(Setting.JOIN, "127.0.0.1:9107");
    flags.put(Setting.JOIN_HTTP, "65536");
    assertThat(refusal()).startsWith("--join-http: 65536 is not a port");
    flags.remove(Setting.JOIN);
    assertThat(refusal()).startsWith("--join-http: only a joining node takes it");
    flags.remove(Setting.JOIN_HTTP);
    flags.put(Setting.ID, "1");
    assertThat(resolve().joining()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          PAXOS_HEARTBEAT_INTERVAL    | 5x         | PAXOS_HEARTBEAT_INTERVAL: '5x' is not a duration; write e.g. 50ms, 2s or 1m
          PAXOS_HEARTBEAT_INTERVAL    | -5ms       | PAXOS_HEARTBEAT_INTERVAL: '-5ms' is negative; give 0 or more
          PAXOS_HEARTBEAT_INTERVAL    | 0ms        | PAXOS_HEARTBEAT_INTERVAL: '0ms' must be at least 1ms
          PAXOS_HEARTBEAT_INTERVAL    | 9223372036854775807s | PAXOS_HEARTBEAT_INTERVAL: '9223372036854775807s' is too large
          PAXOS_HEARTBEAT_INTERVAL    | 99999999999999999999 | PAXOS_HEARTBEAT_INTERVAL: '99999999999999999999' is not a duration
          PAXOS_HEARTBEAT_INTERVAL    | 200ms      | protocol.election-timeout-min (default): '300ms' must exceed two heartbeat intervals (400ms, from PAXOS_HEARTBEAT_INTERVAL)
          PAXOS_ELECTION_TIMEOUT_MIN  | 80ms       | PAXOS_ELECTION_TIMEOUT_MIN: '80ms' must exceed two heartbeat intervals (80ms, from c.yaml: protocol.heartbeat-interval) or followers depose healthy leaders; raise it or lower the heartbeat interval
          PAXOS_ELECTION_TIMEOUT_MAX  | 299ms      | PAXOS_ELECTION_TIMEOUT_MAX: '299ms' is below the minimum 300ms (from protocol.election-timeout-min (default)); raise it
          PAXOS_WINDOW                | 0          | PAXOS_WINDOW: '0' is out of range; give 1 to 2147483647
          PAXOS_WINDOW                | -1         | PAXOS_WINDOW: '-1' is out of range; give 1 to 2147483647
          PAXOS_WINDOW                | 2147483648 | PAXOS_WINDOW: '2147483648' is out of range; give 1 to 2147483647
          PAXOS_WINDOW                | 9223372036854775807 | PAXOS_WINDOW: '9223372036854775807' is out of range
          PAXOS_WINDOW                | lots       | PAXOS_WINDOW: 'lots' is not a whole number
          PAXOS_BATCH_MAX_BYTES       | 1TiB       | PAXOS_BATCH_MAX_BYTES: '1TiB' is not a size; write a byte count or e.g. 512KiB, 1MiB, 2GiB
          PAXOS_BATCH_MAX_BYTES       | 2GiB       | PAXOS_BATCH_MAX_BYTES: '2GiB' is out of range; give 1 byte to 2147483647
          PAXOS_BATCH_MAX_BYTES       | 0          | PAXOS_BATCH_MAX_BYTES: '0' is out of range
          PAXOS_BATCH_MAX_BYTES       | -1KiB      | PAXOS_BATCH_MAX_BYTES: '-1KiB' is negative; give 0 or more
          PAXOS_MAX_COMMAND_BYTES     | 2MiB       | PAXOS_MAX_COMMAND_BYTES: '2MiB' exceeds batch-max-bytes 1MiB (from protocol.batch-max-bytes (default)); a command must fit a batch
          PAXOS_MAX_MESSAGE_BYTES     | 65MiB      | PAXOS_MAX_MESSAGE_BYTES: '65MiB' exceeds the 64MiB a node accepts from its peers; lower it
          PAXOS_MAX_MESSAGE_BYTES     | 1MiB       | PAXOS_MAX_MESSAGE_BYTES: '1MiB' cannot carry one command of max-command-bytes 1MiB (from protocol.max-command-bytes (default)), 1048960 bytes with its framing; raise it or lower max-command-bytes
          PAXOS_MAX_MESSAGE_BYTES     | 0          | PAXOS_MAX_MESSAGE_BYTES: '0' is out of range
          PAXOS_MAX_QUEUED_BYTES      | 1KiB       | PAXOS_MAX_QUEUED_BYTES: '1KiB' is below max-command-bytes 1MiB (from protocol.max-command-bytes (default)): no command could be queued; raise it
          PAXOS_MAX_QUEUED_BYTES      | -1         | PAXOS_MAX_QUEUED_BYTES: '-1' is negative
          PAXOS_MAX_SESSIONS          | 0          | PAXOS_MAX_SESSIONS: '0' is out of range; give 1 to 2147483647
          PAXOS_MAX_SESSIONS          | 2147483648 | PAXOS_MAX_SESSIONS: '2147483648' is out of range
          PAXOS_SNAPSHOT_EVERY_SLOTS  | -1         | PAXOS_SNAPSHOT_EVERY_SLOTS: '-1' is negative; give 0 or more (0: not by slots)
          PAXOS_SNAPSHOT_EVERY_BYTES  | 8EiB       | PAXOS_SNAPSHOT_EVERY_BYTES: '8EiB' is not a size
          PAXOS_SNAPSHOT_CHUNK_BYTES  | 5MiB       | PAXOS_SNAPSHOT_CHUNK_BYTES: '5MiB' give 1 byte to 4MiB
          PAXOS_ACCEPTED_TO_LEARNERS  | yes        | PAXOS_ACCEPTED_TO_LEARNERS: 'yes' is not a boolean; give true or false
          PAXOS_LOG_LEVEL             | loud       | PAXOS_LOG_LEVEL: 'loud' use trace, debug, info, warn, error or off
          PAXOS_LISTEN                | ' '        | PAXOS_LISTEN: '' is blank; give a local address such as 0.0.0.0
          PAXOS_TLS_MTLS              | true       | PAXOS_TLS_MTLS: 'true' needs tls.cert, tls.key and tls.ca
          PAXOS_LINE_PORT             | -1         | PAXOS_LINE_PORT: '-1' is out of range; give a port from 1 to 65535, or 0 for any
          PAXOS_LINE_PORT             | 65536      | PAXOS_LINE_PORT: '65536' is out of range
          PAXOS_LINE_PORT             | 9223372036854775807 | PAXOS_LINE_PORT: '9223372036854775807' is out of range
          PAXOS_LINE_PORT             | udp        | PAXOS_LINE_PORT: 'udp' is not a whole number
          PAXOS_LINE_PORT             | 9001       | PAXOS_LINE_PORT: '9001' is this member's gRPC or HTTP port in c.yaml; give another port
          PAXOS_LINE_PORT             | 8081       | PAXOS_LINE_PORT: '8081' is this member's gRPC or HTTP port
          """)
  void refusesABadValueNamingWhereItCameFrom(String variable, String value, String message) {
    env.put(variable, value);
    assertThat(refusal().replace(file.toString(), "c.yaml")).startsWith(message);
  }

  @Test
  void refusesBothSnapshotTriggersOff() {
    env.put("PAXOS_SNAPSHOT_EVERY_SLOTS", "0");
    flags.put(Setting.SNAPSHOT_EVERY_BYTES, "0");
    assertThat(refusal())
        .isEqualTo(
            "PAXOS_SNAPSHOT_EVERY_SLOTS: '0' and snapshots.every-bytes are both 0, which leaves no"
                + " reason to take a snapshot; set snapshots.enabled to false to keep the whole"
                + " log");
  }

  @Test
  void refusesIncompleteOrUnreadableTls() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "x");
    Path key = Files.writeString(dir.resolve("key.pem"), "x");
    flags.put(Setting.TLS_CERT, cert.toString());
    assertThat(refusal())
        .isEqualTo(
            "tls.key is missing: TLS needs tls.cert, tls.key and tls.ca (flags --tls-cert,"
                + " --tls-key, --tls-ca)");
    flags.put(Setting.TLS_KEY, key.toString());
    env.put("PAXOS_TLS_CA", dir.resolve("missing.pem").toString());
    assertThat(refusal())
        .isEqualTo(
            "PAXOS_TLS_CA: '"
                + dir.resolve("missing.pem")
                + "' does not exist or is not readable; give a readable PEM file");
    env.put("PAXOS_TLS_CA", dir.toString());
    assertThat(refusal()).startsWith("PAXOS_TLS_CA: '" + dir + "' does not exist or is not");
    env.put("PAXOS_TLS_CA", cert.toString());
    assertThat(resolve().tls()).isPresent();
    assertThat(resolve().tls().orElseThrow().requiresClientCertificates()).isFalse();
    flags.put(Setting.TLS_MTLS, "true");
    assertThat(resolve().tls().orElseThrow().requiresClientCertificates()).isTrue();
    assertThat(resolve().nodeSettings().tls()).isPresent();
  }

  @Test
  void describeListsEveryValueWithItsSource() {
    env.put("PAXOS_LOG_LEVEL", "warn");
    flags.put(Setting.WINDOW, "8");
    String text = resolve().describe();
    assertThat(text)
        .contains("# effective configuration of node 1 of cluster t")
        .containsPattern(
            "config +" + java.util.regex.Pattern.quote(file.toString()) + " +flag --config")
        .containsPattern("id +1 +flag --id")
        .containsPattern(
            "member 1 +127.0.0.1:9001 http 8081 \\[proposer,acceptor,learner\\] \\(this node\\) +file members")
        .containsPattern("quorums +phase1 2, phase2 2 of 3 acceptors +default \\(majorities\\)")
        .containsPattern("data-dir +d/node-1 +file data-dir")
        .containsPattern("listen +127.0.0.1 +default \\(the host of member 1's address\\)")
        .containsPattern("log-level +warn +env PAXOS_LOG_LEVEL")
        .containsPattern("protocol.heartbeat-interval +40ms +file protocol.heartbeat-interval")
        .containsPattern("protocol.window +8 +flag --window")
        .containsPattern("protocol.retransmit-interval +200ms +default")
        .containsPattern("tls.cert +\\(none: plaintext\\) +default");
    for (Setting s : Setting.values()) {
      assertThat(text).as(s.key()).contains(s.key());
    }
  }
}
