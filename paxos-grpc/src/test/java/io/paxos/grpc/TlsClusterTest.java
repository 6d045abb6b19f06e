package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.paxos.core.config.ClusterConfig;
import io.paxos.grpc.client.NoReachableNodeException;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.SchemaVersion;
import io.paxos.grpc.proto.Welcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
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
 * A cluster with mutual TLS: it works, and peers or clients without a valid certificate are
 * refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsClusterTest {
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
      TestCertificates.Identity node = ca.issue("node-" + id);
      tls.put(id, TlsConfig.mutual(node.certificate(), node.privateKey(), ca.caFile));
    }
    TestCertificates.Identity client = ca.issue("client");
    clientTls = TlsConfig.client(ca.caFile).withIdentity(client.certificate(), client.privateKey());
    cluster =
        new GrpcCluster(ClusterConfig.of("mtls", 1, 2, 3), id -> Optional.of(tls.get(id)), b -> {});
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

  /** Open a peer stream to node 1 as node 2 with {@code credentials}; how did it end? */
  private static Status connectAsNode2(int port, ChannelCredentials credentials) throws Exception {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    try {
      CompletableFuture<Status> ended = new CompletableFuture<>();
      StreamObserver<PeerFrame> requests =
          PaxosPeerGrpc.newStub(channel)
              .connect(
                  new StreamObserver<Welcome>() {
                    @Override
                    public void onNext(Welcome welcome) {
                      ended.complete(Status.OK);
                    }

                    @Override
                    public void onError(Throwable t) {
                      ended.complete(Status.fromThrowable(t));
                    }

                    @Override
                    public void onCompleted() {
                      ended.complete(Status.OK);
                    }
                  });
      requests.onNext(
          PeerFrame.newBuilder()
              .setHello(
                  Hello.newBuilder()
                      .setSchemaVersion(SchemaVersion.SCHEMA_VERSION_1)
                      .setClusterId("mtls")
                      .setNodeId(2)
                      .setTargetNodeId(1))
              .build());
      return ended.get(30, TimeUnit.SECONDS);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
