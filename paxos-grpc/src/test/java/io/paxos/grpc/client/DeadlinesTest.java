package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Calls expire at their deadlines, earliest first, whatever order they were added in; a call that
 * ended never expires and is not held. The loop runs for real; nothing asserts a duration.
 */
class DeadlinesTest {
  private static Call call(long timeoutMillis) {
    return new Call(
        new byte[0], null, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
  }

  @Test
  void callsExpireEarliestFirstAndAnEndedCallNever() throws Exception {
    ClientLoop loop = new ClientLoop("deadlines-test", () -> {});
    loop.start();
    try {
      List<Call> expired = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> allDue = new CompletableFuture<>();
      Call late = call(300);
      Call early = call(50); // added after a later one: arms an earlier timer
      Call ended = call(20);
      Call middle = call(150);
      Deadlines deadlines =
          new Deadlines(
              loop,
              c -> {
                expired.add(c);
                if (expired.size() == 3) {
                  allDue.complete(null);
                }
              });
      CompletableFuture<Integer> watched = new CompletableFuture<>();
      loop.execute(
          () -> {
            deadlines.add(late);
            deadlines.add(early);
            deadlines.add(ended);
            deadlines.add(middle);
            deadlines.remove(ended);
            watched.complete(deadlines.size());
          });
      assertThat(watched.get(10, TimeUnit.SECONDS)).isEqualTo(3);
      allDue.get(30, TimeUnit.SECONDS);
      assertThat(expired).containsExactly(early, middle, late);
      CompletableFuture<Integer> left = new CompletableFuture<>();
      loop.execute(() -> left.complete(deadlines.size()));
      assertThat(left.get(10, TimeUnit.SECONDS)).isZero();
    } finally {
      loop.stop();
    }
  }
}
