package io.paxos.examples.cli;

import io.paxos.grpc.Endpoint;
import io.paxos.grpc.TlsConfig;
import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
              + " leader). Default: $PAXOS_ENDPOINTS, else "
              + DEFAULT_ENDPOINTS
              + ".")
  String endpoints;

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

  /** The endpoints to start from. */
  List<Endpoint> endpoints() {
    String given = endpoints;
    String from = "--endpoints";
    if (given == null) {
      given = System.getenv("PAXOS_ENDPOINTS");
      from = "PAXOS_ENDPOINTS";
    }
    if (given == null) {
      return Endpoint.parseList(DEFAULT_ENDPOINTS);
    }
    try {
      return Endpoint.parseList(given);
    } catch (IllegalArgumentException e) {
      throw new UsageException(from + ": " + e.getMessage());
    }
  }

  /** A client of the cluster; the caller closes it. */
  PaxosClient connect() {
    PaxosClient.Builder b = PaxosClient.builder().endpoints(endpoints()).timeout(timeout);
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
