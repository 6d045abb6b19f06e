package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.grpc.client.NoReachableNodeException;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.Hello;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cluster with mutual TLS: it works, peers or clients without a valid certificate are refused,
 * and a peer stream is accepted only from a certificate naming the node it claims to be.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsClusterTest {
  /** A learner that the tests play, so that their streams are not refused as duplicates. */
  private static final int PLAYED = 4;

  private static final ClusterConfig CONFIG =
      ClusterConfig.withMajorities(
          "mtls",
          List.of(
              Member.allRoles(1),
              Member.allRoles(2),
              Member.allRoles(3),
              Member.of(PLAYED, Role.LEARNER)));

  private TestCertificates ca;
  private TestCertificates rogueCa;
  private GrpcCluster cluster;
  private TlsConfig clientTls;

  @BeforeAll
  void startCluster(@TempDir Path dir) throws Exception {
    ca = new TestCertificates(dir, "cluster");
    rogueCa = new TestCertificates(dir, "rogue");
    Map<Integer, TlsConfig> tls = new HashMap<>();
    for (int id = 1; id <= 3; id++) {
      TestCertificates.Identity node = ca.issueNode("mtls", id);
      tls.put(id, TlsConfig.mutual(node.certificate(), node.privateKey(), ca.caFile));
    }
    TestCertificates.Identity client = ca.issueClient("mtls", "app");
    clientTls = TlsConfig.client(ca.caFile).withIdentity(client.certificate(), client.privateKey());
    cluster = new GrpcCluster(CONFIG, id -> Optional.of(tls.get(id)), b -> {}, PLAYED);
  }

  @AfterAll
  void stopCluster() {
    cluster.close();
  }

  @Test
  @DisplayName(
      "a cluster with mutual TLS elects a leader and applies a client's commands everywhere")
  void mutualTlsClusterWorks() throws Exception {
    try (PaxosClient client =
        PaxosClient.builder().endpoints(cluster.endpoints()).tls(clientTls).seed(1).build()) {
      for (long id = 0; id < 100; id++) {
        client.submit(LogStateMachine.command(id)).get(30, TimeUnit.SECONDS);
      }
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.machines.values().stream().allMatch(m -> m.size() >= 100));
    }
  }

  @Test
  @DisplayName(
      "a peer with no certificate, with one from another CA, or in plaintext is refused; the cluster"
          + " goes on")
  void peersWithoutValidCertificatesAreRefused() throws Exception {
    TestCertificates.Identity rogue = rogueCa.issue("node-2");
    TestCertificates.Identity rogueServer = rogueCa.issue("rogue-server");
    ChannelCredentials[] invalid = {
      TlsConfig.channelCredentials(Optional.of(TlsConfig.client(ca.caFile))),
      TlsConfig.channelCredentials(
          Optional.of(
              TlsConfig.client(ca.caFile).withIdentity(rogue.certificate(), rogue.privateKey()))),
      InsecureChannelCredentials.create(),
      TlsConfig.channelCredentials(
          Optional.of(
              TlsConfig.client(rogueCa.caFile)
                  .withIdentity(rogueServer.certificate(), rogueServer.privateKey()))),
    };
    int port = cluster.server(1).port();
    for (ChannelCredentials credentials : invalid) {
      Status status = connectAsNode2(port, credentials);
      assertThat(status.isOk()).as("%s", status).isFalse();
      assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
    mutualTlsClusterWorks();
  }

  @Test
  @DisplayName("a client without a certificate gets a clear error: no node is reachable")
  void clientWithoutCertificateIsRefused() {
    try (PaxosClient client =
        PaxosClient.builder()
            .endpoints(cluster.endpoints())
            .tls(TlsConfig.client(ca.caFile))
            .timeout(Duration.ofSeconds(2))
            .seed(2)
            .build()) {
      CompletableFuture<byte[]> f = client.submit(LogStateMachine.command(-1));
      assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(NoReachableNodeException.class)
          .hasMessageContaining("could be reached");
    }
  }

  @Test
  @DisplayName(
      "under mutual TLS a peer stream is accepted only from a certificate naming the node it"
          + " claims: not from a client's, one without a node name, or another node's")
  void peerIdentityComesFromTheCertificate() throws Exception {
    TestCertificates.Identity played = ca.issueNode("mtls", PLAYED);
    TestCertificates.Identity node2 = ca.issueNode("mtls", 2);
    TestCertificates.Identity otherCluster = ca.issueNode("other", PLAYED);
    TestCertificates.Identity client = ca.issueClient("mtls", "app");
    TestCertificates.Identity plain = ca.issue("no-node-name");
    TestCertificates.Identity twoNodes =
        ca.issue("two-nodes", "paxos://mtls/node/" + PLAYED, "paxos://mtls/node/3");
    int port = cluster.server(1).port();

    assertThat(connectAs(port, credentials(played), PLAYED).getCode())
        .as("a node's own certificate")
        .isEqualTo(Status.Code.OK);
    TestCertificates.Identity[] wrong = {node2, otherCluster, client, plain, twoNodes};
    for (TestCertificates.Identity identity : wrong) {
      Status status = connectAs(port, credentials(identity), PLAYED);
      assertThat(status.getCode())
          .as("%s", identity.certificate().getFileName())
          .isEqualTo(Status.Code.PERMISSION_DENIED);
      assertThat(status.getDescription()).contains("paxos://mtls/node/" + PLAYED);
    }
    mutualTlsClusterWorks();
  }

  @Test
  @DisplayName(
      "under mutual TLS a peer that proves its identity replaces its older stream; the cluster"
          + " goes on")
  void authenticatedPeerReplacesItsStream() throws Exception {
    TestCertificates.Identity played = ca.issueNode("mtls", PLAYED);
    PaxosServer server = cluster.server(1);
    try (RawPeer first = open(server.port(), credentials(played), PLAYED)) {
      assertThat(first.outcome().getCode()).isEqualTo(Status.Code.OK);
      try (RawPeer second = open(server.port(), credentials(played), PLAYED)) {
        assertThat(second.outcome().getCode())
            .as("a second stream of the same, authenticated node")
            .isEqualTo(Status.Code.OK);
        assertThat(first.awaitEnd().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(server.peerInbound().connected(PLAYED)).isTrue();
      }
    }
    mutualTlsClusterWorks();
  }

  private ChannelCredentials credentials(TestCertificates.Identity identity) {
    return TlsConfig.channelCredentials(
        Optional.of(
            TlsConfig.client(ca.caFile)
                .withIdentity(identity.certificate(), identity.privateKey())));
  }

  private static Status connectAsNode2(int port, ChannelCredentials credentials) throws Exception {
    return connectAs(port, credentials, 2);
  }

  /**
   * Open a peer stream to node 1 as node {@code id} with {@code credentials}; OK if node 1 welcomes
   * it, else the status it ended with.
   */
  private static Status connectAs(int port, ChannelCredentials credentials, int id)
      throws Exception {
    try (RawPeer peer = open(port, credentials, id)) {
      return peer.outcome();
    }
  }

  private static RawPeer open(int port, ChannelCredentials credentials, int id) {
    return RawPeer.open(
        port,
        credentials,
        false,
        challenge ->
            Hello.newBuilder()
                .setSchemaVersion(PeerHandshake.PEER_SCHEMA)
                .setClusterId("mtls")
                .setNodeId(id)
                .setTargetNodeId(1)
                .setConfigFingerprint(CONFIG.fingerprint())
                .build());
  }
}
