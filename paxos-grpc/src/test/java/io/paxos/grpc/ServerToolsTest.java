package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.paxos.core.StateMachine;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Standard gRPC tooling against a node's port: health checking follows the node's life, and server
 * reflection lists the services.
 */
class ServerToolsTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @Test
  void healthIsServingWhileTheNodeRunsAndNotServingOnceItIsClosed() throws Exception {
    ClusterConfig config = ClusterConfig.of("health", 1);
    try (PaxosServer server =
        PaxosServer.builder().config(config).nodeId(1).listen("127.0.0.1", 0).start()) {
      ManagedChannel channel = channel(server);
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(server.isServing()).isFalse();

        GrpcTransport transport =
            GrpcTransport.builder()
                .server(server)
                .peers(Map.of(1, new Endpoint("127.0.0.1", server.port())))
                .build();
        PaxosNode node =
            PaxosNode.builder()
                .config(config)
                .nodeId(1)
                .stateMachine(new LogStateMachine())
                .transport(transport)
                .build();
        server.serve(node);
        for (String service : NodeHealth.SERVICES) {
          assertThat(check(health, service))
              .as("service '%s'", service)
              .isEqualTo(ServingStatus.SERVING);
        }
        assertThat(server.isServing()).isTrue();

        List<ServingStatus> watched = new CopyOnWriteArrayList<>();
        HealthGrpc.newStub(channel)
            .watch(HealthCheckRequest.getDefaultInstance(), collect(watched));
        await().atMost(WAIT).until(() -> watched.contains(ServingStatus.SERVING));

        node.close(); // the server stays up, serving a node that stopped
        assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(check(health, "paxos.v1.PaxosClientService"))
            .isEqualTo(ServingStatus.NOT_SERVING);
        await().atMost(WAIT).until(() -> watched.contains(ServingStatus.NOT_SERVING));
        assertThat(watched).containsExactly(ServingStatus.SERVING, ServingStatus.NOT_SERVING);
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void healthIsNotServingOnceTheNodeStoppedOnAStateMachineFailure() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("failing", 1))
            .stateMachines(id -> new FailingStateMachine())
            .start()) {
      PaxosNode node = cluster.awaitLeader(WAIT);
      PaxosServer server = cluster.server(1);
      ManagedChannel channel = channel(server);
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(check(health, "")).isEqualTo(ServingStatus.SERVING);

        CompletableFuture<byte[]> doomed = node.submit(new byte[] {1});
        await().atMost(WAIT).until(doomed::isDone);
        await().atMost(WAIT).until(() -> node.status().failure().isPresent());
        assertThat(check(health, "")).isEqualTo(ServingStatus.NOT_SERVING);
        assertThat(server.isServing()).isFalse();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void anUnknownServiceIsNotFoundAndAClosedServerIsNotServing() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("unknown", 1, 2, 3))
            .stateMachines(id -> new LogStateMachine())
            .start()) {
      cluster.awaitLeader(WAIT);
      PaxosServer server = cluster.server(2);
      ManagedChannel channel = channel(server);
      try {
        HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
        assertThat(check(health, "paxos.v1.PaxosPeer")).isEqualTo(ServingStatus.SERVING);
        assertThatThrownBy(() -> check(health, "no.such.Service"))
            .isInstanceOf(StatusRuntimeException.class)
            .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
            .isEqualTo(Status.Code.NOT_FOUND);
        server.close();
        assertThat(server.isServing()).isFalse();
        server.close(); // idempotent: the cluster closes it again
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void reflectionListsEveryService() throws Exception {
    try (LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("reflect", 1, 2, 3))
            .stateMachines(id -> new LogStateMachine())
            .start()) {
      ManagedChannel channel = channel(cluster.server(1));
      try {
        CompletableFuture<List<String>> names = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests =
            ServerReflectionGrpc.newStub(channel)
                .serverReflectionInfo(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(ServerReflectionResponse r) {
                        names.complete(
                            r.getListServicesResponse().getServiceList().stream()
                                .map(ServiceResponse::getName)
                                .toList());
                      }

                      @Override
                      public void onError(Throwable t) {
                        names.completeExceptionally(t);
                      }

                      @Override
                      public void onCompleted() {}
                    });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        assertThat(names.get(30, TimeUnit.SECONDS))
            .contains(
                "paxos.v1.PaxosClientService",
                "paxos.v1.PaxosPeer",
                "grpc.health.v1.Health",
                "grpc.reflection.v1.ServerReflection",
                "grpc.reflection.v1alpha.ServerReflection");
        requests.onCompleted();
      } finally {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
    }
  }

  private static ManagedChannel channel(PaxosServer server) {
    return ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext().build();
  }

  private static ServingStatus check(HealthGrpc.HealthBlockingStub health, String service) {
    HealthCheckResponse r =
        health
            .withDeadlineAfter(10, TimeUnit.SECONDS)
            .check(HealthCheckRequest.newBuilder().setService(service).build());
    return r.getStatus();
  }

  private static StreamObserver<HealthCheckResponse> collect(List<ServingStatus> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(HealthCheckResponse r) {
        into.add(r.getStatus());
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }

  /** Fails on its first command, which stops the node (fail-stop). */
  private static final class FailingStateMachine implements StateMachine {
    @Override
    public byte[] apply(byte[] command) {
      throw new IllegalStateException("this state machine fails on purpose");
    }

    @Override
    public byte[] query(byte[] query) {
      return new byte[0];
    }

    @Override
    public Snapshot snapshot() {
      return out -> {};
    }

    @Override
    public void restore(InputStream in) {}
  }
}
