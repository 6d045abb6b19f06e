package io.paxos.grpc;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ServerCredentials;
import io.grpc.TlsChannelCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * TLS settings, from PEM files: a certificate chain and its PKCS#8 private key (this side's
 * identity) and the certificates it trusts (a CA bundle). Immutable.
 *
 * <ul>
 *   <li>{@link #mutual}: a node of a cluster with mutual TLS. Its certificate serves both its
 *       server and its connections to peers; it trusts the given CA and requires every peer and
 *       client to present a certificate that CA signed.
 *   <li>{@link #server}: a node with TLS but no client certificates; peers and clients verify its
 *       certificate against the trusted CA.
 *   <li>{@link #client}: a {@code PaxosClient} that verifies nodes against the trusted CA; add
 *       {@link #withIdentity} to present a certificate to nodes that require one.
 * </ul>
 *
 * <p>Certificates must name the host (DNS name or IP address) that peers and clients connect to.
 * Files are read when a server starts or a connection is made. Plaintext is the default wherever a
 * {@code TlsConfig} is optional.
 */
public final class TlsConfig {
  private final Path certificateChain;
  private final Path privateKey;
  private final Path trusted;
  private final boolean requireClientCertificates;

  private TlsConfig(Path chain, Path key, Path trusted, boolean requireClientCertificates) {
    this.certificateChain = chain;
    this.privateKey = key;
    this.trusted = Objects.requireNonNull(trusted, "trusted certificates");
    this.requireClientCertificates = requireClientCertificates;
    for (Path p : new Path[] {chain, key, trusted}) {
      if (p != null && !Files.isReadable(p)) {
        throw new IllegalArgumentException("TLS file " + p + " does not exist or is not readable");
      }
    }
  }

  /**
   * {@return a node that presents {@code certificateChain} and requires certificates signed by
   * {@code trusted}}
   *
   * @param certificateChain this node's certificate chain, PEM
   * @param privateKey its private key, PEM (PKCS#8)
   * @param trusted the CA certificates that sign every member's and client's certificate, PEM
   * @throws IllegalArgumentException if a file does not exist or is not readable
   */
  public static TlsConfig mutual(Path certificateChain, Path privateKey, Path trusted) {
    return new TlsConfig(
        Objects.requireNonNull(certificateChain, "certificateChain"),
        Objects.requireNonNull(privateKey, "privateKey"),
        trusted,
        true);
  }

  /**
   * {@return a node that presents {@code certificateChain} and verifies its peers against {@code
   * trusted}}
   *
   * @param certificateChain this node's certificate chain, PEM
   * @param privateKey its private key, PEM (PKCS#8)
   * @param trusted the CA certificates that sign the peers' certificates, PEM
   * @throws IllegalArgumentException if a file does not exist or is not readable
   */
  public static TlsConfig server(Path certificateChain, Path privateKey, Path trusted) {
    return new TlsConfig(
        Objects.requireNonNull(certificateChain, "certificateChain"),
        Objects.requireNonNull(privateKey, "privateKey"),
        trusted,
        false);
  }

  /**
   * {@return a client that verifies nodes against {@code trusted} and presents no certificate}
   *
   * @param trusted the CA certificates that sign the nodes' certificates, PEM
   * @throws IllegalArgumentException if the file does not exist or is not readable
   */
  public static TlsConfig client(Path trusted) {
    return new TlsConfig(null, null, trusted, false);
  }

  /**
   * {@return this configuration, presenting {@code certificateChain} when it connects}
   *
   * @param certificateChain the certificate chain to present, PEM
   * @param privateKey its private key, PEM (PKCS#8)
   * @throws IllegalArgumentException if a file does not exist or is not readable
   */
  public TlsConfig withIdentity(Path certificateChain, Path privateKey) {
    return new TlsConfig(
        Objects.requireNonNull(certificateChain, "certificateChain"),
        Objects.requireNonNull(privateKey, "privateKey"),
        trusted,
        requireClientCertificates);
  }

  /**
   * {@return whether a server with this configuration refuses connections without a valid
   * certificate}
   */
  public boolean requiresClientCertificates() {
    return requireClientCertificates;
  }

  /** Credentials for a server: plaintext when {@code tls} is empty. */
  static ServerCredentials serverCredentials(Optional<TlsConfig> tls) {
    if (tls.isEmpty()) {
      return InsecureServerCredentials.create();
    }
    TlsConfig t = tls.get();
    if (t.certificateChain == null) {
      throw new IllegalArgumentException(
          "a server needs a certificate: use TlsConfig.server(...) or TlsConfig.mutual(...)");
    }
    try {
      return TlsServerCredentials.newBuilder()
          .keyManager(t.certificateChain.toFile(), t.privateKey.toFile())
          .trustManager(t.trusted.toFile())
          .clientAuth(
              t.requireClientCertificates
                  ? TlsServerCredentials.ClientAuth.REQUIRE
                  : TlsServerCredentials.ClientAuth.NONE)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the server's TLS files", e);
    }
  }

  /**
   * {@return gRPC credentials for a connection to a node: plaintext when {@code tls} is empty}
   *
   * @param tls the client side's TLS settings, if any
   * @throws java.io.UncheckedIOException if a TLS file cannot be read
   */
  public static ChannelCredentials channelCredentials(Optional<TlsConfig> tls) {
    if (tls.isEmpty()) {
      return InsecureChannelCredentials.create();
    }
    TlsConfig t = tls.get();
    try {
      TlsChannelCredentials.Builder b =
          TlsChannelCredentials.newBuilder().trustManager(t.trusted.toFile());
      if (t.certificateChain != null) {
        b.keyManager(t.certificateChain.toFile(), t.privateKey.toFile());
      }
      return b.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the TLS files for a connection", e);
    }
  }
}
