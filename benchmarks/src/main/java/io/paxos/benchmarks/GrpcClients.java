package io.paxos.benchmarks;

import io.paxos.grpc.Endpoint;
import io.paxos.grpc.client.PaxosClient;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * W1's writes through {@link PaxosClient}s over gRPC, as an application would send them: one client
 * per {@value #WRITERS_PER_CLIENT} writers (each writer always uses the same client), so that many
 * writers share a connection and its frames while a large run still spreads over several client
 * threads.
 */
final class GrpcClients implements W1Target {
  static final int WRITERS_PER_CLIENT = 256;

  private final PaxosClient[] clients;
  private final AutoCloseable cluster;

  private GrpcClients(PaxosClient[] clients, AutoCloseable cluster) {
    this.clients = clients;
    this.cluster = cluster;
  }

  /**
   * Connect enough clients to {@code endpoints} for {@code writers} writers.
   *
   * @param cluster closed after the clients (the cluster they connect to, when this JVM runs it),
   *     or a no-op
   */
  static GrpcClients connect(List<Endpoint> endpoints, int writers, AutoCloseable cluster) {
    int count = (writers + WRITERS_PER_CLIENT - 1) / WRITERS_PER_CLIENT;
    List<PaxosClient> clients = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      clients.add(PaxosClient.builder().endpoints(endpoints).seed(i).build());
    }
    return new GrpcClients(clients.toArray(new PaxosClient[0]), cluster);
  }

  @Override
  public CompletableFuture<byte[]> submit(int writer, byte[] command) {
    return clients[writer / WRITERS_PER_CLIENT].submit(command);
  }

  @Override
  public void close() {
    for (PaxosClient c : clients) {
      c.close();
    }
    try {
      cluster.close();
    } catch (Exception e) {
      throw new IllegalStateException("the cluster did not close cleanly", e);
    }
  }
}
