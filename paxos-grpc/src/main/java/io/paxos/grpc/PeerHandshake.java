package io.paxos.grpc;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.observe.RateLimitedLog;
import io.paxos.core.protocol.Ballot;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.SchemaVersion;
import io.paxos.grpc.proto.Welcome;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * The rules of the peer handshake, both sides: what a node puts in its {@link Hello} and {@link
 * Welcome}, and which of them it accepts. One place, so that a rule can be relaxed in one place.
 *
 * <p>A stream is accepted only if its {@code Hello} speaks this schema version, names this cluster,
 * a valid node id other than this node's as its sender and this node as its target, and then:
 *
 * <ul>
 *   <li>under mutual TLS, the caller's certificate names the sender ({@code
 *       paxos://CLUSTER/node/ID}, see {@link PeerCertificates});
 *   <li>with a {@link ClusterSecret}, the Hello proves the secret over this stream's challenge;
 *   <li>if the Hello names this node's membership epoch and is not {@code joining}: the sender is a
 *       member of this node's current configuration and its {@link ClusterConfig#fingerprint()}
 *       equals this node's (members of one epoch must not count each other's votes under differing
 *       configurations). A sender of another epoch, or one joining the cluster, is accepted without
 *       these two checks, so that nodes of different epochs can catch each other up
 *       (docs/membership.md, "Transport"): the node's bounds on what a non-member may send, and the
 *       roles' epoch rules, decide what its messages may do.
 * </ul>
 *
 * <p>A Hello of a node that predates membership changes has epoch 0 and no {@code joining} flag, so
 * between two nodes in epoch 0 nothing changes.
 *
 * <p>A stream is <em>authenticated</em> when mutual TLS or a cluster secret vouches for its sender;
 * only an authenticated stream may replace a member's stream that is already connected.
 *
 * <p>The configuration and epoch checked against are the node's current ones: {@link #update}
 * replaces them when the node moves to a new epoch. Thread-safe: gRPC's threads and the transport's
 * sender thread read one immutable view of them at a time.
 */
final class PeerHandshake {
  /** The peer schema this build speaks (see paxos.proto). */
  static final SchemaVersion PEER_SCHEMA = SchemaVersion.SCHEMA_VERSION_2;

  /** Why a Hello is refused: the status code and a description for both sides' logs. */
  record Refusal(Status.Code code, String why) {
    Status status(int localId) {
      return Status.fromCode(code).withDescription("refused by node " + localId + ": " + why);
    }
  }

  /** One epoch's configuration, as the handshake checks against it. */
  private record View(ClusterConfig config, String fingerprint, int epoch) {}

  private final String clusterId;
  // The fingerprint of the cluster file this node started with: every node, joining ones too, is
  // given the file the cluster was created with (docs/membership.md, "Joining").
  private final String fileFingerprint;
  private final int localId;
  private final Optional<ClusterSecret> secret;
  private final boolean requireNodeCertificate;
  private final boolean joining;
  private final SecureRandom random = new SecureRandom();
  private volatile View view;

  PeerHandshake(
      ClusterConfig config,
      int localId,
      Optional<ClusterSecret> secret,
      boolean requireNodeCertificate) {
    this(config, localId, secret, requireNodeCertificate, false);
  }

  /**
   * @param config the configuration of epoch 0 (the cluster file's), until {@link #update}
   * @param joining whether the node was started to join the cluster: its Hello says so as long as
   *     it is not a member of its current configuration
   */
  PeerHandshake(
      ClusterConfig config,
      int localId,
      Optional<ClusterSecret> secret,
      boolean requireNodeCertificate,
      boolean joining) {
    this.clusterId = config.clusterId();
    this.fileFingerprint = config.fingerprint();
    this.view = new View(config, fileFingerprint, 0);
    this.localId = localId;
    this.secret = secret;
    this.requireNodeCertificate = requireNodeCertificate;
    this.joining = joining;
  }

  /**
   * Check Hellos against {@code config}, the configuration of {@code epoch}, from now on, and say
   * so in this node's Hellos; a call with an epoch below the current one is ignored (returns
   * false). Cheap: one fingerprint, computed here, not per stream.
   *
   * @throws IllegalArgumentException if {@code config} names another cluster
   */
  synchronized boolean update(ClusterConfig config, int epoch) {
    if (!config.clusterId().equals(clusterId)) {
      throw new IllegalArgumentException(
          "membership of cluster " + config.clusterId() + " given to a node of " + clusterId);
    }
    if (epoch < view.epoch()) {
      return false;
    }
    view = new View(config, config.fingerprint(), epoch);
    return true;
  }

  /** The membership epoch this node is in, as far as the handshake knows. */
  int epoch() {
    return view.epoch();
  }

  /** The configuration Hellos are checked against now. */
  ClusterConfig config() {
    return view.config();
  }

  /** Whether this node's Hellos say it is joining: started to join, and not yet a member. */
  boolean joining() {
    return joining && !view.config().contains(localId);
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
    View current = view; // one view for the whole check
    ClusterConfig config = current.config();
    if (hello.getSchemaVersion() != PEER_SCHEMA) {
      return new Refusal(
          Status.Code.PERMISSION_DENIED,
          "schema version "
              + hello.getSchemaVersionValue()
              + " is not spoken here (2 is)"
              + (hello.getSchemaVersion() == SchemaVersion.SCHEMA_VERSION_1
                  ? ": that node runs a build from before 2026-12, which must not share a cluster"
                      + " with this one; upgrade every node"
                  : ""));
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
    // An unsigned field: a negative int is above 2^31.
    if (hello.getEpoch() < 0 || hello.getEpoch() > Ballot.MAX_EPOCH) {
      return denied(
          "node "
              + Integer.toUnsignedString(sender)
              + " names membership epoch "
              + Integer.toUnsignedString(hello.getEpoch())
              + ", above the largest, "
              + Ballot.MAX_EPOCH);
    }
    boolean otherEpoch = hello.getEpoch() != current.epoch() || hello.getJoining();
    if (otherEpoch && (sender < 1 || sender > Member.MAX_ID)) {
      return denied("node id " + Integer.toUnsignedString(sender) + " is not a valid node id");
    }
    if (!otherEpoch && !config.contains(sender)) {
      return denied(
          "node "
              + Integer.toUnsignedString(sender)
              + " is not a member of cluster "
              + config.clusterId()
              + " in epoch "
              + current.epoch()
              + ", which it names as its own");
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
    if (hello.getJoining() && hello.getEpoch() == 0) {
      // Until it has learned a later epoch, a joining node counts votes against its cluster file:
      // it must be the one the cluster was created with.
      return hello.getConfigFingerprint().equals(fileFingerprint)
          ? null
          : new Refusal(
              Status.Code.FAILED_PRECONDITION,
              "node "
                  + sender
                  + " joins with another cluster file than this cluster was created with"
                  + " (fingerprint "
                  + abbreviate(hello.getConfigFingerprint())
                  + ", the cluster's "
                  + abbreviate(fileFingerprint)
                  + "): give a joining node the cluster's original file");
    }
    return otherEpoch ? null : fingerprintRefusal(current, sender, hello.getConfigFingerprint());
  }

  /**
   * The configuration check between nodes of one epoch: members with differing memberships or
   * quorums must not count each other's votes.
   */
  private static Refusal fingerprintRefusal(View current, int sender, String theirs) {
    String fingerprint = current.fingerprint();
    ClusterConfig config = current.config();
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
            + ") in the same epoch "
            + current.epoch()
            + ": give every member the same members, roles, priorities and quorums");
  }

  /**
   * The answer to an accepted {@code hello}. Its proof is over the fingerprint the Hello gave (this
   * node's own, unless the sender is of another epoch or joining), which is what the caller checks
   * it against.
   */
  Welcome welcome(Hello hello, byte[] serverNonce) {
    Welcome.Builder w = Welcome.newBuilder().setSchemaVersion(PEER_SCHEMA).setNodeId(localId);
    secret.ifPresent(
        s ->
            w.setProof(
                ByteString.copyFrom(
                    s.welcomeProof(
                        clusterId,
                        hello.getConfigFingerprint(),
                        hello.getNodeId(),
                        localId,
                        serverNonce,
                        hello.getClientNonce().toByteArray()))));
    return w.build();
  }

  // ---- calling side

  /**
   * The Hello to node {@code target} that answers its {@code challenge}, naming this node's current
   * epoch and fingerprint. Keep it: {@link #checkWelcome} checks the answer against it.
   */
  Hello hello(int target, byte[] challenge, byte[] clientNonce) {
    View current = view;
    String fingerprint = current.fingerprint();
    Hello.Builder h =
        Hello.newBuilder()
            .setSchemaVersion(PEER_SCHEMA)
            .setClusterId(clusterId)
            .setNodeId(localId)
            .setTargetNodeId(target)
            .setConfigFingerprint(fingerprint)
            .setClientNonce(ByteString.copyFrom(clientNonce))
            .setEpoch(current.epoch())
            .setJoining(joining && !current.config().contains(localId));
    secret.ifPresent(
        s ->
            h.setProof(
                ByteString.copyFrom(
                    s.helloProof(
                        clusterId, fingerprint, localId, target, challenge, clientNonce))));
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

  /**
   * Why node {@code target}'s Welcome, the answer to {@code hello}, is not trusted; null if it is.
   */
  String checkWelcome(Welcome welcome, Hello hello, byte[] challenge) {
    int target = hello.getTargetNodeId();
    byte[] clientNonce = hello.getClientNonce().toByteArray();
    if (welcome.getNodeId() != target) {
      return "it answers as node " + welcome.getNodeId();
    }
    if (secret.isEmpty()) {
      return null;
    }
    byte[] expected =
        secret
            .get()
            .welcomeProof(
                clusterId, hello.getConfigFingerprint(), localId, target, challenge, clientNonce);
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
