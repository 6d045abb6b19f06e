package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.grpc.ConnectionLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

/**
 * The cluster secret file and the connection limits as settings: where they come from, what is
 * refused (in one line that never shows the secret), and that {@code --print-config} shows only
 * that a secret is set.
 */
class PeerSecuritySettingsTest {
  private static final String SECRET = "0123456789abcdef-this-is-the-secret";

  @TempDir Path dir;
  private Path file;
  private final Map<Setting, String> flags = new EnumMap<>(Setting.class);
  private final Map<String, String> env = new HashMap<>();
  private final List<String> warnings = new ArrayList<>();

  @BeforeEach
  void writeFile() throws IOException {
    file =
        Files.writeString(
            dir.resolve("c.yaml"),
            "cluster: t\nmembers:\n  - {id: 1, address: 127.0.0.1:9001}\n"
                + "connections: {max: 50, idle-timeout: 2m}\n");
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

  private Path secretFile(String content) throws IOException {
    return Files.writeString(dir.resolve("secret"), content, StandardCharsets.ISO_8859_1);
  }

  @Test
  void withoutASecretFileThereIsNoSecretAndTheLimitsAreTheLibrarysUnlessSet() {
    ServerConfig c = resolve();
    assertThat(c.clusterSecret()).isEmpty();
    assertThat(c.nodeSettings().clusterSecret()).isEmpty();
    ConnectionLimits d = ConnectionLimits.defaults();
    assertThat(c.limits().maxConnections()).isEqualTo(50);
    assertThat(c.limits().maxConnectionIdle()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.limits().handshakeTimeout()).isEqualTo(d.handshakeTimeout());
    assertThat(c.limits().helloTimeout()).isEqualTo(d.helloTimeout());
    assertThat(c.nodeSettings().limits()).isEqualTo(c.limits());
  }

  @Test
  void flagsOverrideTheEnvironmentWhichOverridesTheFileForTheLimits() {
    env.put("PAXOS_MAX_CONNECTIONS", "7");
    env.put("PAXOS_HANDSHAKE_TIMEOUT", "3s");
    env.put("PAXOS_IDLE_TIMEOUT", "1h");
    flags.put(Setting.HANDSHAKE_TIMEOUT, "250ms");
    ServerConfig c = resolve();
    assertThat(c.limits().maxConnections()).isEqualTo(7);
    assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.limits().maxConnectionIdle()).isEqualTo(Duration.ofHours(1));
    assertThat(warnings).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          PAXOS_MAX_CONNECTIONS   | 0                    | PAXOS_MAX_CONNECTIONS: '0' is out of range; give 1 to 2147483647
          PAXOS_MAX_CONNECTIONS   | -1                   | PAXOS_MAX_CONNECTIONS: '-1' is out of range
          PAXOS_MAX_CONNECTIONS   | 2147483648           | PAXOS_MAX_CONNECTIONS: '2147483648' is out of range
          PAXOS_MAX_CONNECTIONS   | 9223372036854775807  | PAXOS_MAX_CONNECTIONS: '9223372036854775807' is out of range
          PAXOS_HANDSHAKE_TIMEOUT | 0                    | PAXOS_HANDSHAKE_TIMEOUT: '0' must be at least 1ms
          PAXOS_HANDSHAKE_TIMEOUT | 25h                  | PAXOS_HANDSHAKE_TIMEOUT: '25h' is out of range; give 1ms to 24h
          PAXOS_IDLE_TIMEOUT      | -1s                  | PAXOS_IDLE_TIMEOUT: '-1s' is negative
          PAXOS_IDLE_TIMEOUT      | 86400001             | PAXOS_IDLE_TIMEOUT: '86400001' is out of range; give 1ms to 24h
          """)
  void refusesLimitsOutOfRange(String variable, String value, String message) {
    env.put(variable, value);
    assertThat(refusal()).startsWith(message);
  }

  @Test
  void theExtremesInRangeAreAccepted() {
    env.put("PAXOS_MAX_CONNECTIONS", "2147483647");
    env.put("PAXOS_HANDSHAKE_TIMEOUT", "1ms");
    env.put("PAXOS_IDLE_TIMEOUT", "24h");
    ServerConfig c = resolve();
    assertThat(c.limits().maxConnections()).isEqualTo(Integer.MAX_VALUE);
    assertThat(c.limits().handshakeTimeout()).isEqualTo(Duration.ofMillis(1));
    assertThat(c.limits().maxConnectionIdle()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void aSecretFileOf16BytesOrMoreIsRead() throws IOException {
    flags.put(Setting.CLUSTER_SECRET_FILE, secretFile("0123456789abcdef\n").toString());
    ServerConfig c = resolve();
    assertThat(c.clusterSecret()).isPresent();
    assertThat(c.nodeSettings().clusterSecret()).isEqualTo(c.clusterSecret());
  }

  @Test
  void refusesAMissingEmptyShortOrDirectorySecretFileWithoutShowingTheValue() throws IOException {
    Path missing = dir.resolve("no-such-secret");
    flags.put(Setting.CLUSTER_SECRET_FILE, missing.toString());
    assertThat(refusal())
        .isEqualTo(
            "--cluster-secret-file: the file does not exist or is not readable; give a readable"
                + " file that holds the secret")
        .doesNotContain(missing.toString());

    flags.put(Setting.CLUSTER_SECRET_FILE, dir.toString());
    assertThat(refusal()).contains("does not exist or is not readable");

    for (String content : List.of("", "  \n", "0123456789abcde", " 0123456789abcde \n")) {
      flags.put(Setting.CLUSTER_SECRET_FILE, secretFile(content).toString());
      assertThat(refusal())
          .as("content '%s'", content)
          .startsWith("--cluster-secret-file: the file holds fewer than 16 bytes");
    }

    // The secret pasted where its file belongs is not echoed back.
    flags.remove(Setting.CLUSTER_SECRET_FILE);
    env.put("PAXOS_CLUSTER_SECRET_FILE", SECRET);
    assertThat(refusal()).startsWith("PAXOS_CLUSTER_SECRET_FILE: ").doesNotContain(SECRET);

    env.put("PAXOS_CLUSTER_SECRET_FILE", " ");
    assertThat(refusal())
        .isEqualTo("PAXOS_CLUSTER_SECRET_FILE is blank; give the file that holds the secret");
  }

  @Test
  void theSecretFileMayComeFromTheClusterFile() throws IOException {
    Path secret = secretFile(SECRET);
    Files.writeString(
        file, "cluster-secret-file: " + secret + "\n", java.nio.file.StandardOpenOption.APPEND);
    ServerConfig c = resolve();
    assertThat(c.clusterSecret()).isPresent();
    assertThat(c.sources().get(Setting.CLUSTER_SECRET_FILE).provenance())
        .isEqualTo("file cluster-secret-file");
  }

  @Test
  void describeSaysOnlyThatASecretIsSetAndWhere() throws IOException {
    assertThat(resolve().describe())
        .containsPattern("cluster-secret-file +\\(none: peers are not authenticated\\) +default")
        .containsPattern("connections.max +50 +file connections.max")
        .containsPattern("connections.handshake-timeout +10s +default")
        .containsPattern("connections.idle-timeout +2m +file connections.idle-timeout");
    Path secret = secretFile(SECRET);
    env.put("PAXOS_CLUSTER_SECRET_FILE", secret.toString());
    String described = resolve().describe();
    assertThat(described)
        .containsPattern("cluster-secret-file +\\(set\\) +env PAXOS_CLUSTER_SECRET_FILE")
        .doesNotContain(SECRET)
        .doesNotContain(secret.toString());
  }
}
