package io.paxos.grpc;

import io.paxos.grpc.client.PaxosClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Writes of {@link LogStateMachine} ids through a client, noting which were acknowledged. */
final class AcknowledgedWrites {
  private AcknowledgedWrites() {}

  /** Submit ids {@code from} to {@code from + count - 1}; each acknowledged one joins the set. */
  static List<CompletableFuture<byte[]>> submit(
      PaxosClient client, long from, int count, Set<Long> acknowledged) {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    for (long id = from; id < from + count; id++) {
      long command = id;
      futures.add(
          client
              .submit(LogStateMachine.command(command))
              .whenComplete(
                  (result, error) -> {
                    if (error == null) {
                      acknowledged.add(command);
                    }
                  }));
    }
    return futures;
  }

  /** Wait until every write is answered (two minutes at most). */
  static void awaitAll(List<CompletableFuture<byte[]>> futures) throws Exception {
    CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
  }
}
