package io.paxos.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.observe.RateLimitedLog;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.SchemaVersion;
import io.paxos.grpc.proto.Welcome;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The rules of the peer handshake, both sides: what a node puts in its {@link Hello} and {@link
 * Welcome}, and which of them it accepts. One place, so that a rule can be relaxed in one place
 * (for example, letting a member with an older configuration catch up).
 *
 * <p>A stream is accepted only if its {@code Hello} speaks this schema version, names this cluster,
 * a member other than this node as its sender and this node as its target, and then:
 *
 * <ul>
 *   <li>under mutual TLS, the caller's certificate names the sender ({@code
 *       paxos://CLUSTER/node/ID}, see {@link PeerCertificates});
 *   <li>with a {@link ClusterSecret}, the Hello proves the secret over this stream's challenge;
 *   <li>the sender's {@link ClusterConfig#fingerprint()} equals this node's.
 * </ul>
 *
 * <p>A stream is <em>authenticated</em> when mutual TLS or a cluster secret vouches for its sender;
 * only an authenticated stream may replace a member's stream that is already connected.
 *
 * <p>Immutable and thread-safe.
 */
final class PeerHandshake {
  /** Why a Hello is refused: the status code and a description for both sides' logs. */
  record Refusal(Status.Code code, String why) {
    Status status(int localId) {
      return Status.fromCode(code).withDescription("refused by node " + localId + ": " + why);
    }
  }

  private final ClusterConfig config;
  private final String fingerprint;
  private final int localId;
  private final Optional<ClusterSecret> secret;
  private final boolean requireNodeCertificate;
  private final SecureRandom random = new SecureRandom();

  PeerHandshake(
      ClusterConfig config,
      int localId,
      Optional<ClusterSecret> secret,
      boolean requireNodeCertificate) {
    this.config = config;
    this.fingerprint = config.fingerprint();
    this.localId = localId;
    this.secret = secret;
    this.requireNodeCertificate = requireNodeCertificate;
  }

  /** Whether accepted streams have an authenticated sender (mutual TLS or a cluster secret). */
  boolean authenticates() {
    return requireNodeCertificate || secret.isPresent();
  }

  boolean hasSecret() {
    return secret.isPresent();
  }

  /** A fresh nonce, for a challenge or a Hello. */
  byte[] nonce() {
    byte[] n = new byte[ClusterSecret.NONCE_BYTES];
    random.nextBytes(n);
    return n;
  }

  // ---- receiving side

  /** The first thing a node sends on a new peer stream. */
  Welcome challenge(byte[] serverNonce) {
    return Welcome.newBuilder().setChallenge(ByteString.copyFrom(serverNonce)).build();
  }

  /** Why {@code hello} is refused on a stream with this challenge and certificate; null if not. */
  Refusal check(Hello hello, byte[] serverNonce, PeerCertificates.Claim certificate) {
    if (hello.getSchemaVersion() != SchemaVersion.SCHEMA_VERSION_1) {
      return new Refusal(
          Status.Code.PERMISSION_DENIED,
          "schema version " + hello.getSchemaVersionValue() + " is not spoken here (1 is)");
    }
    if (!hello.getClusterId().equals(config.clusterId())) {
      return denied(
          "it belongs to cluster '"
              + RateLimitedLog.cut(hello.getClusterId())
              + "', this node to '"
              + config.clusterId()
              + "'");
    }
    int sender = hello.getNodeId();
    if (!config.contains(sender)) {
      return denied("node " + sender + " is not a member of cluster " + config.clusterId());
    }
    if (sender == localId) {
      return denied("it claims this node's own id " + localId);
    }
    if (hello.getTargetNodeId() != localId) {
      return denied(
          "it is meant for node " + hello.getTargetNodeId() + ", this is node " + localId);
    }
    if (requireNodeCertificate && !certificate.names(config.clusterId(), sender)) {
      return denied(
          "it claims to be node "
              + sender
              + " but presents "
              + certificate.describe()
              + "; a peer needs a certificate naming paxos://"
              + config.clusterId()
              + "/node/"
              + sender);
    }
    if (secret.isPresent()) {
      if (hello.getProof().isEmpty()) {
        return denied("node " + sender + " proves no cluster secret, and this node requires one");
      }
      if (hello.getClientNonce().size() != ClusterSecret.NONCE_BYTES
          || hello.getProof().size() != ClusterSecret.PROOF_BYTES
          || !ClusterSecret.matches(
              secret
                  .get()
                  .helloProof(
                      config.clusterId(),
                      hello.getConfigFingerprint(),
                      sender,
                      localId,
                      serverNonce,
                      hello.getClientNonce().toByteArray()),
              hello.getProof().toByteArray())) {
        return denied("node " + sender + " gave a wrong proof of the cluster secret");
      }
    }
    return fingerprintRefusal(sender, hello.getConfigFingerprint());
  }

  /**
   * The configuration check: members with differing memberships or quorums must not count each
   * other's votes. The one place to relax when older configurations may catch up.
   */
  private Refusal fingerprintRefusal(int sender, String theirs) {
    if (theirs.equals(fingerprint)) {
      return null;
    }
    return new Refusal(
        Status.Code.FAILED_PRECONDITION,
        "node "
            + sender
            + " runs another configuration of cluster "
            + config.clusterId()
            + " (fingerprint "
            + abbreviate(theirs)
            + ", this node's "
            + abbreviate(fingerprint)
            + "): give every member the same members, roles, priorities and quorums");
  }

  /** The answer to an accepted {@code hello}. */
  Welcome welcome(Hello hello, byte[] serverNonce) {
    Welcome.Builder w =
        Welcome.newBuilder().setSchemaVersion(SchemaVersion.SCHEMA_VERSION_1).setNodeId(localId);
    secret.ifPresent(
        s ->
            w.setProof(
                ByteString.copyFrom(
                    s.welcomeProof(
                        config.clusterId(),
                        fingerprint,
                        hello.getNodeId(),
                        localId,
                        serverNonce,
                        hello.getClientNonce().toByteArray()))));
    return w.build();
  }

  // ---- calling side

  /** The Hello to node {@code target} that answers its {@code challenge}. */
  Hello hello(int target, byte[] challenge, byte[] clientNonce) {
    Hello.Builder h =
        Hello.newBuilder()
            .setSchemaVersion(SchemaVersion.SCHEMA_VERSION_1)
            .setClusterId(config.clusterId())
            .setNodeId(localId)
            .setTargetNodeId(target)
            .setConfigFingerprint(fingerprint)
            .setClientNonce(ByteString.copyFrom(clientNonce));
    secret.ifPresent(
        s ->
            h.setProof(
                ByteString.copyFrom(
                    s.helloProof(
                        config.clusterId(),
                        fingerprint,
                        localId,
                        target,
                        challenge,
                        clientNonce))));
    return h.build();
  }

  /** Why node {@code target}'s challenge is unusable; null if it is a challenge. */
  static String checkChallenge(Welcome challenge) {
    return challenge.getChallenge().size() == ClusterSecret.NONCE_BYTES
        ? null
        : "its first answer is not a "
            + ClusterSecret.NONCE_BYTES
            + "-byte challenge (a node of an older version?)";
  }

  /** Why node {@code target}'s Welcome is not trusted; null if it is. */
  String checkWelcome(Welcome welcome, int target, byte[] challenge, byte[] clientNonce) {
    if (welcome.getNodeId() != target) {
      return "it answers as node " + welcome.getNodeId();
    }
    if (secret.isEmpty()) {
      return null;
    }
    byte[] expected =
        secret
            .get()
            .welcomeProof(config.clusterId(), fingerprint, localId, target, challenge, clientNonce);
    if (welcome.getProof().isEmpty()) {
      return "it proves no cluster secret (is it configured with one?)";
    }
    return ClusterSecret.matches(expected, welcome.getProof().toByteArray())
        ? null
        : "it gave a wrong proof of the cluster secret";
  }

  private static Refusal denied(String why) {
    return new Refusal(Status.Code.PERMISSION_DENIED, why);
  }

  private static String abbreviate(String fingerprint) {
    String f = RateLimitedLog.cut(fingerprint);
    return f.length() > 12 ? f.substring(0, 12) : f.isEmpty() ? "none" : f;
  }
}
