package io.paxos.examples.cli;

import io.paxos.examples.server.ClusterFile;
import io.paxos.examples.server.ConfigException;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.TlsConfig;
import io.paxos.grpc.client.PaxosClient;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where the cluster is and how to talk to it: the options every {@code kv} subcommand shares.
 * Validated in {@link #connect()}, which throws {@link UsageException} with one line saying what to
 * fix.
 */
final class ClusterOptions {
  /** Where {@code kv} looks when neither {@code --endpoints} nor a variable says. */
  static final String DEFAULT_ENDPOINTS = "127.0.0.1:9001,127.0.0.1:9002,127.0.0.1:9003";

  @Option(
      names = {"-e", "--endpoints"},
      paramLabel = "HOST:PORT,...",
      description =
          "Some or all nodes' gRPC addresses (the client learns the others and follows the"
              + " leader). Default: $PAXOS_ENDPOINTS, else the members of $PAXOS_CONFIG, else "
              + DEFAULT_ENDPOINTS
              + ".")
  String endpoints;

  @Option(
      names = "--config",
      paramLabel = "CLUSTER_FILE",
      description =
          "Talk to the members of this cluster file (the one the servers run with), instead of"
              + " --endpoints.")
  Path config;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = Durations.class,
      defaultValue = "5s",
      description = "Give up after this long, e.g. 500ms, 5s, 2m. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Option(
      names = "--tls-ca",
      paramLabel = "PEM",
      description = "Connect with TLS, trusting the CA certificates in this file.")
  Path tlsCa;

  @Option(
      names = "--tls-cert",
      paramLabel = "PEM",
      description = "With --tls-ca: present this certificate chain (for mutual TLS).")
  Path tlsCert;

  @Option(
      names = "--tls-key",
      paramLabel = "PEM",
      description = "With --tls-cert: the certificate's PKCS#8 private key.")
  Path tlsKey;

  Duration timeout() {
    return timeout;
  }

  /**
   * The endpoints to start from, taken from the first of: {@code --endpoints}, {@code --config}
   * (every member of the cluster file), {@code PAXOS_ENDPOINTS}, {@code PAXOS_CONFIG}, {@link
   * #DEFAULT_ENDPOINTS}. A flag beats a variable, and a list beats a file at the same level; both
   * flags together are refused.
   *
   * @param env the environment variables
   */
  List<Endpoint> endpoints(Map<String, String> env) {
    if (endpoints != null && config != null) {
      throw new UsageException(
          "give --endpoints or --config, not both: they would say two things about where the"
              + " cluster is");
    }
    if (endpoints != null) {
      return list(endpoints, "--endpoints");
    }
    if (config != null) {
      return members(config, "--config");
    }
    String list = env.get("PAXOS_ENDPOINTS");
    if (list != null) {
      return list(list, "PAXOS_ENDPOINTS");
    }
    String file = env.get("PAXOS_CONFIG");
    if (file != null && !file.isBlank()) {
      return members(Path.of(file.strip()), "PAXOS_CONFIG");
    }
    return Endpoint.parseList(DEFAULT_ENDPOINTS);
  }

  private static List<Endpoint> list(String given, String from) {
    try {
      return Endpoint.parseList(given);
    } catch (IllegalArgumentException e) {
      throw new UsageException(from + ": " + e.getMessage());
    }
  }

  /** Every member's gRPC address in the cluster file at {@code path}. */
  private static List<Endpoint> members(Path path, String from) {
    try {
      return ClusterFile.load(path).endpoints();
    } catch (ConfigException | InvalidPathException e) {
      throw new UsageException(from + ": " + e.getMessage());
    }
  }

  /** A client of the cluster; the caller closes it. */
  PaxosClient connect(Map<String, String> env) {
    PaxosClient.Builder b = PaxosClient.builder().endpoints(endpoints(env)).timeout(timeout);
    tls().ifPresent(b::tls);
    return b.build();
  }

  private Optional<TlsConfig> tls() {
    if (tlsCa == null) {
      if (tlsCert != null || tlsKey != null) {
        throw new UsageException(
            "--tls-cert and --tls-key need --tls-ca: the CA that signed the nodes' certificates");
      }
      return Optional.empty();
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new UsageException("give --tls-cert and --tls-key together, or neither");
    }
    try {
      TlsConfig tls = TlsConfig.client(tlsCa);
      return Optional.of(tlsCert == null ? tls : tls.withIdentity(tlsCert, tlsKey));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}
