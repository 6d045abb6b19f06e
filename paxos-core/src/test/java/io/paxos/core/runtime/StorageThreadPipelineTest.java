package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.StorageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The storage thread's pipelined group commit, against a storage whose forces return only when the
 * test releases them: the next group is written and its force started while a force runs, a group
 * is done the moment its own force (and those before it) returned, in ticket order whatever order
 * the forces return in, and a failed force stops everything after it.
 */
class StorageThreadPipelineTest {

  /** A storage whose i-th started force returns once the test releases it (or fails it). */
  private static final class HeldForces extends ForwardingStorage {
    final List<CountDownLatch> releases = new CopyOnWriteArrayList<>();
    final List<String> events = new CopyOnWriteArrayList<>();
    final AtomicInteger started = new AtomicInteger();
    final int forces;
    volatile RuntimeException failWith;

    HeldForces(int forces) {
      super(new InMemoryStorage());
      this.forces = forces;
      for (int i = 0; i < 16; i++) {
        releases.add(new CountDownLatch(1));
      }
    }

    @Override
    public void saveRound(long round) {
      events.add("write " + round);
      super.saveRound(round);
    }

    @Override
    public boolean blockingSync() {
      return true;
    }

    @Override
    public int forcesInFlight() {
      return forces;
    }

    @Override
    public Force startSync() {
      int i = started.getAndIncrement();
      events.add("force " + i + " started");
      return () -> {
        try {
          if (!releases.get(i).await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the test never released force " + i);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
        RuntimeException failure = failWith;
        if (failure != null) {
          throw failure;
        }
        events.add("force " + i + " returned");
      };
    }

    void release(int i) {
      releases.get(i).countDown();
    }

    @Override
    public void close() {}
  }

  private final HeldForces storage = new HeldForces(StorageWriter.FORCES_IN_FLIGHT);
  private final AtomicInteger wakeups = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final StorageThread writer =
      new StorageThread(1, storage, wakeups::incrementAndGet, failure::set, new NodeObserver() {});

  @AfterEach
  void stop() {
    storage.releases.forEach(CountDownLatch::countDown);
    writer.close(false);
  }

  private void awaitForcesStarted(int n) {
    await().atMost(Duration.ofSeconds(30)).until(() -> storage.started.get() >= n);
  }

  @Test
  @DisplayName("a second batch is written and its force started while the first force still runs")
  void secondBatchWrittenDuringFirstForce() {
    writer.start();
    long first = writer.write(s -> s.saveRound(1), true);
    awaitForcesStarted(1);
    long second = writer.write(s -> s.saveRound(2), true);
    awaitForcesStarted(2);

    assertThat(storage.events)
        .as("the first force has not returned")
        .containsExactly("write 1", "force 0 started", "write 2", "force 1 started");
    assertThat(writer.done()).isZero();
    assertThat(second).isEqualTo(first + 1);
  }

  @Test
  @DisplayName("batch 1 is done when its force returns, though batch 2's has not")
  void firstBatchDoneBeforeSecondForceReturns() {
    writer.start();
    long first = writer.write(s -> s.saveRound(1), true);
    awaitForcesStarted(1);
    writer.write(s -> s.saveRound(2), true);
    awaitForcesStarted(2);

    storage.release(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.done() == first);
    assertThat(wakeups.get()).as("the event loop was woken to release batch 1").isPositive();
    assertThat(storage.events).doesNotContain("force 1 returned");
  }

  @Test
  @DisplayName("a later force that returns first reports nothing until the earlier one returned")
  void groupsAreDoneInTicketOrder() {
    writer.start();
    writer.write(s -> s.saveRound(1), true);
    awaitForcesStarted(1);
    long second = writer.write(s -> s.saveRound(2), true);
    awaitForcesStarted(2);

    storage.release(1);
    await().atMost(Duration.ofSeconds(30)).until(() -> storage.events.contains("force 1 returned"));
    assertThat(writer.done()).as("batch 1 is not durable yet: neither is reported").isZero();

    storage.release(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.done() == second);
  }

  @Test
  @DisplayName(
      "while every forcing thread is busy, the batches queued meanwhile wait and then share one"
          + " force")
  void busyForcersMakeTheNextGroup() {
    writer.start();
    for (int i = 0; i < StorageWriter.FORCES_IN_FLIGHT; i++) {
      writer.write(s -> s.saveRound(1), true);
      awaitForcesStarted(i + 1);
    }
    writer.write(s -> s.saveRound(2), true);
    long last = writer.write(s -> s.saveRound(3), true);
    assertThat(storage.started.get())
        .as("no force starts while the allowed number run")
        .isEqualTo(StorageWriter.FORCES_IN_FLIGHT);

    storage.release(0);
    awaitForcesStarted(StorageWriter.FORCES_IN_FLIGHT + 1);
    for (int i = 1; i <= StorageWriter.FORCES_IN_FLIGHT; i++) {
      storage.release(i);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> writer.done() == last);
    assertThat(storage.started.get())
        .as("the two queued batches shared one force")
        .isEqualTo(StorageWriter.FORCES_IN_FLIGHT + 1);
  }

  @Test
  @DisplayName(
      "with one force in flight (the default), the next group is written once the force before"
          + " it returned, and takes every batch queued meanwhile")
  void oneForceAtATime() {
    HeldForces serial = new HeldForces(1);
    StorageThread one =
        new StorageThread(1, serial, wakeups::incrementAndGet, failure::set, new NodeObserver() {});
    try {
      one.start();
      one.write(s -> s.saveRound(1), true);
      await().atMost(Duration.ofSeconds(30)).until(() -> serial.started.get() == 1);
      one.write(s -> s.saveRound(2), true);
      long last = one.write(s -> s.saveRound(3), true);
      assertThat(serial.started.get()).isEqualTo(1);
      assertThat(serial.events).doesNotContain("write 2");

      serial.release(0);
      await().atMost(Duration.ofSeconds(30)).until(() -> serial.started.get() == 2);
      serial.release(1);
      await().atMost(Duration.ofSeconds(30)).until(() -> one.done() == last);
      assertThat(serial.events)
          .containsExactly(
              "write 1",
              "force 0 started",
              "force 0 returned",
              "write 2",
              "write 3",
              "force 1 started",
              "force 1 returned");
    } finally {
      serial.releases.forEach(CountDownLatch::countDown);
      one.close(false);
    }
  }

  @Test
  @DisplayName("a failed force stops the writer: nothing after it is done, later writes throw")
  void failedForceStopsEverything() {
    writer.start();
    writer.write(s -> s.saveRound(1), true);
    awaitForcesStarted(1);
    storage.failWith = new StorageException("injected fsync failure");
    storage.release(0);
    await().atMost(Duration.ofSeconds(30)).until(() -> failure.get() != null);

    assertThat(writer.done()).isZero();
    assertThatThrownBy(() -> writer.write(s -> s.saveRound(2), true))
        .isInstanceOf(StorageException.class);
  }
}
