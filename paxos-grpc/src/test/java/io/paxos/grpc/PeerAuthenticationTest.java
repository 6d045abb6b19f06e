package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.Hello;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Plaintext peers with a shared cluster secret: the cluster works, and a stream that cannot prove
 * the secret over the node's fresh challenge is refused, whoever it claims to be; it never
 * displaces the real peer. A stream that says nothing is closed after the hello timeout.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PeerAuthenticationTest {
  private static final int PLAYED = 4;
  private static final ClusterConfig CONFIG =
      ClusterConfig.withMajorities(
          "secret",
          List.of(
              Member.allRoles(1),
              Member.allRoles(2),
              Member.allRoles(3),
              Member.of(PLAYED, Role.LEARNER)));
  private static final ClusterSecret SECRET =
      ClusterSecret.of("correct horse battery staple".getBytes(StandardCharsets.UTF_8));
  private static final ClusterSecret WRONG =
      ClusterSecret.of("incorrect horse battery staple".getBytes(StandardCharsets.UTF_8));
  private static final Duration HELLO_TIMEOUT = Duration.ofMillis(500);

  private GrpcCluster cluster;
  private PaxosClient client;
  private PaxosServer target;
  private long nextCommand;

  @BeforeAll
  void startCluster() {
    cluster =
        new GrpcCluster(
            CONFIG,
            id -> Optional.empty(),
            b ->
                b.clusterSecret(SECRET)
                    .limits(ConnectionLimits.defaults().withHelloTimeout(HELLO_TIMEOUT)),
            PLAYED);
    client = PaxosClient.builder().endpoints(cluster.endpoints()).seed(5).build();
    target = cluster.server(cluster.awaitLeader().id());
  }

  @AfterAll
  void stopCluster() {
    client.close();
    cluster.close();
  }

  @AfterEach
  void clusterStillServes() throws Exception {
    for (int i = 0; i < 20; i++) {
      client.submit(LogStateMachine.command(nextCommand++)).get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  @DisplayName("a peer that proves the secret over the node's challenge is welcomed, with proof")
  void rightProofIsWelcomed() throws Exception {
    try (RawPeer peer = open(PLAYED, true, proving(SECRET, PLAYED))) {
      assertThat(peer.outcome().getCode()).isEqualTo(Status.Code.OK);
      assertThat(peer.welcomed.get().getProof().size()).isEqualTo(ClusterSecret.PROOF_BYTES);
    }
  }

  @Test
  @DisplayName(
      "a Hello without a proof, with a proof of another secret, or with a replayed proof is"
          + " refused")
  void impersonatorsAreRefused() throws Exception {
    long before = target.refusedPeerStreams();
    try (RawPeer none = open(PLAYED, true, challenge -> hello(PLAYED));
        RawPeer noWait = open(PLAYED, false, challenge -> hello(PLAYED));
        RawPeer wrong = open(PLAYED, true, proving(WRONG, PLAYED));
        RawPeer replayed = open(PLAYED, true, proving(SECRET, PLAYED).compose(c -> new byte[16]));
        RawPeer truncated =
            open(
                PLAYED,
                true,
                challenge -> {
                  Hello h = proving(SECRET, PLAYED).apply(challenge);
                  return h.toBuilder().setProof(h.getProof().substring(0, 31)).build();
                })) {
      for (RawPeer peer : List.of(none, noWait, wrong, replayed, truncated)) {
        Status status = peer.outcome();
        assertThat(status.getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(status.getDescription()).contains("cluster secret");
      }
    }
    assertThat(target.refusedPeerStreams() - before).isEqualTo(5);
  }

  @Test
  @DisplayName(
      "an impersonator of a connected member is refused and the member stays connected; the"
          + " member itself, proving the secret, may replace its stream")
  void connectedMemberCannotBeDisplaced() throws Exception {
    int other = target.nodeId() == 1 ? 2 : 1;
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> target.peerInbound().connected(other));
    try (RawPeer impostor = open(other, true, challenge -> hello(other))) {
      assertThat(impostor.outcome().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
    }
    assertThat(target.peerInbound().connected(other)).isTrue();
    try (RawPeer first = open(PLAYED, true, proving(SECRET, PLAYED))) {
      assertThat(first.outcome().getCode()).isEqualTo(Status.Code.OK);
      try (RawPeer second = open(PLAYED, true, proving(SECRET, PLAYED))) {
        assertThat(second.outcome().getCode()).isEqualTo(Status.Code.OK);
        assertThat(first.awaitEnd().getCode()).isEqualTo(Status.Code.ABORTED);
      }
    }
  }

  @Test
  @DisplayName("a peer stream that sends no Hello is closed after the hello timeout")
  void silentStreamIsClosed() throws Exception {
    long before = target.refusedPeerStreams();
    try (RawPeer silent = open(PLAYED, false, null)) {
      Status status = silent.awaitEnd();
      assertThat(status.getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(status.getDescription()).contains("no Hello within 500 ms");
    }
    assertThat(target.refusedPeerStreams() - before).isEqualTo(1);
  }

  @Test
  @DisplayName("a node without the secret cannot join: its transport is refused, and says why")
  void nodeWithoutSecretIsRefused() throws Exception {
    try (PaxosServer server =
            PaxosServer.builder().config(CONFIG).nodeId(PLAYED).listen("127.0.0.1", 0).start();
        GrpcTransport transport =
            GrpcTransport.builder()
                .server(server)
                .peers(
                    Map.of(
                        1, cluster.endpoints().get(0),
                        2, cluster.endpoints().get(1),
                        3, cluster.endpoints().get(2)))
                .seed(4)
                .build()) {
      long before = cluster.server(1).refusedPeerStreams();
      transport.start(m -> {});
      transport.send(1, new Message.Prepare(PLAYED, ballot(), 1));
      transport.flush();
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> cluster.server(1).refusedPeerStreams() > before);
    }
  }

  private static Ballot ballot() {
    return new Ballot(1, PLAYED);
  }

  private RawPeer open(int id, boolean waitForChallenge, Function<byte[], Hello> hello) {
    return RawPeer.open(
        target.port(), InsecureChannelCredentials.create(), waitForChallenge, hello);
  }

  private Hello hello(int id) {
    return new PeerHandshake(CONFIG, id, Optional.empty(), false)
        .hello(target.nodeId(), new byte[0], new byte[16]);
  }

  /** Hellos as node {@code id}, proving {@code secret} over the challenge they answer. */
  private Function<byte[], Hello> proving(ClusterSecret secret, int id) {
    PeerHandshake as = new PeerHandshake(CONFIG, id, Optional.of(secret), false);
    return challenge -> as.hello(target.nodeId(), challenge, as.nonce());
  }
}
