package io.paxos.benchmarks;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNodeBuilder;
import io.paxos.core.storage.Storage;
import io.paxos.examples.kv.KeyValueStore;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.LocalCluster;
import io.paxos.grpc.client.PaxosClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * W1's writes through {@link PaxosClient}s over gRPC, as an application would send them: one client
 * per {@value #WRITERS_PER_CLIENT} writers (each writer always uses the same client), so that many
 * writers share a connection and its frames while a large run still spreads over several client
 * threads.
 */
final class GrpcClients implements W1Target {
  static final int WRITERS_PER_CLIENT = 256;
  static final Duration NODE_COMMAND_TIMEOUT = Duration.ofSeconds(2);

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

  /**
   * Start nodes 1 to {@code size} of cluster "w1" in this JVM as a {@link LocalCluster} with a
   * {@link KeyValueStore} each, wait until one leads, and connect clients for {@code writers}
   * writers; closing the result stops the cluster too.
   *
   * <p>A node fails a command it could not get chosen after {@link #NODE_COMMAND_TIMEOUT}, well
   * before the client's deadline (10 s), so that the client sends it again (with the same sequence
   * number, applied once) instead of giving up: a command caught in a change of leader otherwise
   * fails the run.
   */
  static GrpcClients startLocal(int size, IntFunction<Storage> storage, int writers) {
    return startLocal(size, storage, writers, b -> {});
  }

  /**
   * {@link #startLocal(int, IntFunction, int)}, {@code customize} adding to each node's builder (an
   * observer, say) just before the node is built.
   */
  static GrpcClients startLocal(
      int size, IntFunction<Storage> storage, int writers, Consumer<PaxosNodeBuilder> customize) {
    int[] ids = new int[size];
    for (int i = 0; i < size; i++) {
      ids[i] = i + 1;
    }
    LocalCluster cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("w1", ids))
            .stateMachines(id -> new KeyValueStore())
            .storage(storage)
            .commandTimeout(NODE_COMMAND_TIMEOUT)
            .nodeSettings(customize)
            .start();
    try {
      cluster.awaitLeader(Duration.ofSeconds(30));
      return connect(cluster.endpoints(), writers, cluster);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
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
