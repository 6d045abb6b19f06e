package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ParkingQueueTest {
  private final ParkingQueue<Integer> queue = new ParkingQueue<>();

  /** A consumer thread that parks (without a time limit) until it takes one item. */
  private CompletableFuture<Integer> consumer() {
    CompletableFuture<Integer> taken = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              Integer item;
              while ((item = queue.poll()) == null) {
                queue.await(0);
              }
              taken.complete(item);
            },
            "parking-queue-consumer");
    t.setDaemon(true);
    t.start();
    await().atMost(Duration.ofSeconds(30)).until(() -> t.getState() == Thread.State.WAITING);
    return taken;
  }

  @Test
  void anAddWakesAParkedConsumer() throws Exception {
    CompletableFuture<Integer> taken = consumer();
    queue.add(7);
    assertThat(taken.get(30, TimeUnit.SECONDS)).isEqualTo(7);
  }

  @Test
  void heldAddsWakeTheConsumerWhenReleased() throws Exception {
    CompletableFuture<Integer> taken = consumer();
    assertThat(queue.holdWakeups()).isTrue();
    queue.add(1);
    queue.add(2);
    queue.releaseWakeups();
    assertThat(taken.get(30, TimeUnit.SECONDS)).isEqualTo(1);
    assertThat(queue.poll()).isEqualTo(2);
  }

  @Test
  void onlyOneProducerHoldsAtATimeAndTheOthersStillWakeTheConsumer() throws Exception {
    assertThat(queue.holdWakeups()).isTrue();
    CountDownLatch otherTried = new CountDownLatch(1);
    CompletableFuture<Boolean> otherHeld = new CompletableFuture<>();
    CompletableFuture<Integer> taken = consumer();
    Thread other =
        new Thread(
            () -> {
              otherHeld.complete(queue.holdWakeups());
              otherTried.countDown();
              queue.add(3); // not the holder: wakes the consumer at once
            });
    other.start();
    otherTried.await(30, TimeUnit.SECONDS);
    assertThat(otherHeld.get()).isFalse();
    assertThat(taken.get(30, TimeUnit.SECONDS)).isEqualTo(3);
    queue.releaseWakeups();
    other.join();
    assertThat(queue.holdWakeups()).as("free again after the release").isTrue();
    queue.releaseWakeups();
  }
}
