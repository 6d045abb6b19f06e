package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** What the process tests do through {@link PaxosClient}: write keys, ask one node its status. */
final class ClusterWrites {
  private ClusterWrites() {}

  /** Put keys {@code k-from} .. {@code k-(from+count-1)} and wait until all are acknowledged. */
  static int put(PaxosClient client, int from, int count) throws Exception {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      futures.add(client.submit(KvCommand.put("k-" + i, "v-" + i).encode()));
    }
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(90, TimeUnit.SECONDS);
    return from + count;
  }

  /** The status of the one node at {@code endpoint}. */
  static ClusterStatus status(Endpoint endpoint) throws Exception {
    try (PaxosClient one =
        PaxosClient.builder().endpoints(List.of(endpoint)).timeout(Duration.ofSeconds(5)).build()) {
      return one.status().get(10, TimeUnit.SECONDS);
    }
  }

  /** The node among {@code candidates} that says it leads, once one does (dead ones skipped). */
  static int leader(ServerProcesses nodes, int... candidates) {
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> {
              for (int id : candidates) {
                if (leads(nodes, id)) {
                  return id;
                }
              }
              return 0;
            },
            id -> id != 0);
  }

  private static boolean leads(ServerProcesses nodes, int id) {
    try {
      return status(nodes.addresses.get(id)).leader();
    } catch (Exception unreachable) {
      return false;
    }
  }

  /**
   * Wait until {@code learners} have all applied the same slot, at least as far as any of them had
   * when called (so every write acknowledged before the call is applied at each).
   */
  static void awaitConverged(ServerProcesses nodes, int... learners) throws Exception {
    long floor = 0;
    for (int id : learners) {
      floor = Math.max(floor, status(nodes.addresses.get(id)).appliedSlot());
    }
    long atLeast = floor;
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> {
              long first = status(nodes.addresses.get(learners[0])).appliedSlot();
              for (int id : learners) {
                if (status(nodes.addresses.get(id)).appliedSlot() != first) {
                  return false;
                }
              }
              return first >= atLeast;
            });
    assertThat(atLeast).isPositive();
  }
}
