package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotResult;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.InMemoryNetwork;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PaxosNode#watch}: every applied command once, in slot order, from any retained slot;
 * compacted or dropped slots refused with the oldest one still available; a watcher that does not
 * read never holds up the apply thread nor more memory than the history's bound.
 */
class WatchTest {
  private static final ProtocolOptions FAST =
      ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
  private static final ClusterConfig ONE = ClusterConfig.of("watch", 1);

  @TempDir Path dir;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private PaxosNode node(
      WatchOptions watch, Storage storage, SnapshotOptions snapshots, Bootstrap bootstrap) {
    PaxosNode n =
        PaxosNode.builder()
            .config(ONE)
            .nodeId(1)
            .stateMachine(new RecordingStateMachine())
            .transport(new InMemoryNetwork().transport(1))
            .storage(storage)
            .options(FAST)
            .snapshots(snapshots)
            .watchHistory(watch)
            .bootstrap(bootstrap)
            .build();
    open.add(n);
    await().atMost(Duration.ofSeconds(10)).until(n::isLeader);
    return n;
  }

  private PaxosNode node(WatchOptions watch) {
    return node(
        watch,
        new io.paxos.core.storage.InMemoryStorage(),
        SnapshotOptions.disabled(),
        Bootstrap.NEW);
  }

  private static long submit(PaxosNode n, long id) throws Exception {
    return n.submitWithSlot(RecordingStateMachine.command(id)).get(10, TimeUnit.SECONDS).slot();
  }

  private static long id(AppliedCommand c) {
    return ByteBuffer.wrap(c.command()).getLong();
  }

  /** Everything the watch reports until it has passed {@code throughSlot}. */
  private static List<AppliedSlot> drain(Watch w, long throughSlot) throws Exception {
    List<AppliedSlot> got = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (w.nextSlot() <= throughSlot && System.nanoTime() < deadline) {
      got.addAll(w.take(3, Duration.ofMillis(200)));
    }
    assertThat(w.nextSlot()).as("watch reached the slot").isGreaterThan(throughSlot);
    return got;
  }

  private static List<Long> ids(List<AppliedSlot> slots) {
    return slots.stream().flatMap(s -> s.commands().stream()).map(WatchTest::id).toList();
  }

  @Test
  void fromSlotZeroOrOneReportsEveryCommandWithItsResultInSlotOrder() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    long last = 0;
    for (long i = 1; i <= 5; i++) {
      last = submit(n, i);
    }
    try (Watch w = n.watch(1)) {
      List<AppliedSlot> got = drain(w, last);
      assertThat(ids(got)).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(got).extracting(AppliedSlot::slot).isSorted().doesNotHaveDuplicates();
      // RecordingStateMachine answers a command with the count applied before it
      assertThat(got.stream().flatMap(s -> s.commands().stream()))
          .extracting(c -> RecordingStateMachine.count(c.result()))
          .containsExactly(0L, 1L, 2L, 3L, 4L);
      assertThat(w.poll(10)).isEmpty();
    }
    try (Watch zero = n.watch(0)) { // there is no slot 0: from the first
      assertThat(zero.nextSlot()).isEqualTo(1);
      assertThat(ids(drain(zero, last))).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void fromTheMiddleStartsAtThatSlotAndThenFollowsNewCommands() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    List<Long> slots = new ArrayList<>();
    for (long i = 1; i <= 5; i++) {
      slots.add(submit(n, i));
    }
    try (Watch w = n.watch(slots.get(2))) {
      assertThat(ids(drain(w, slots.get(4)))).containsExactly(3L, 4L, 5L);
      long later = submit(n, 6);
      assertThat(ids(drain(w, later))).containsExactly(6L);
    }
  }

  @Test
  void aWatchAheadOfTheAppliedSlotWaitsForIt() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    long first = submit(n, 1);
    try (Watch w = n.watch(first + 2)) {
      AtomicInteger signals = new AtomicInteger();
      w.onAvailable(signals::incrementAndGet);
      assertThat(signals).hasValue(1); // once right away
      assertThat(w.poll(10)).isEmpty();
      submit(n, 2); // slot first + 1: not reported
      long third = submit(n, 3);
      assertThat(ids(drain(w, third))).containsExactly(3L);
      assertThat(signals.get()).isGreaterThan(1);
    }
    try (Watch far = n.watch(Long.MAX_VALUE)) {
      assertThat(far.poll(1)).isEmpty();
      assertThat(far.nextSlot()).isEqualTo(Long.MAX_VALUE);
    }
  }

  @Test
  void badArgumentsAndADisabledHistoryAreRefused() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    assertThatThrownBy(() -> n.watch(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> n.watch(Long.MIN_VALUE)).isInstanceOf(IllegalArgumentException.class);
    try (Watch w = n.watch(1)) {
      assertThatThrownBy(() -> w.poll(0)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> w.poll(-1)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> new WatchOptions(-1, 10)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WatchOptions(10, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new WatchOptions(0, 10).enabled()).isFalse();
    assertThat(new WatchOptions(Long.MAX_VALUE, Long.MAX_VALUE).enabled()).isTrue();

    PaxosNode plain = node(WatchOptions.disabled());
    assertThatThrownBy(() -> plain.watch(1))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("watchHistory");
    assertThat(plain.oldestWatchableSlot()).isZero();
  }

  @Test
  void aCompactedSlotIsRefusedWithTheOldestStillAvailable() throws Exception {
    SnapshotOptions everyTwo = new SnapshotOptions(2, 0, 1024);
    PaxosNode n =
        node(
            WatchOptions.defaults(),
            LocalCluster.openFileStorage(dir, "watch", 1),
            everyTwo,
            Bootstrap.NEW);
    long last = 0;
    for (long i = 1; i <= 7; i++) {
      last = submit(n, i);
    }
    long end = last;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                java.nio.file.Files.list(dir.resolve("node-1"))
                    .anyMatch(p -> p.toString().endsWith(".snap")));
    n.close();

    PaxosNode restarted =
        node(
            WatchOptions.defaults(),
            LocalCluster.openFileStorage(dir, "watch", 1),
            everyTwo,
            Bootstrap.EXISTING);
    long oldest = restarted.oldestWatchableSlot();
    assertThat(oldest)
        .as("after the restored snapshot")
        .isGreaterThan(1)
        .isLessThanOrEqualTo(end + 1);
    assertThatThrownBy(() -> restarted.watch(1))
        .isInstanceOfSatisfying(
            SlotUnavailableException.class,
            e -> {
              assertThat(e.requestedSlot()).isEqualTo(1);
              assertThat(e.oldestSlot()).isEqualTo(oldest);
            })
        .hasMessageContaining("resume from slot " + oldest);
    assertThatThrownBy(() -> restarted.watch(oldest - 1))
        .isInstanceOf(SlotUnavailableException.class);
    try (Watch w = restarted.watch(oldest)) {
      long later = submit(restarted, 8);
      List<AppliedSlot> got = drain(w, later);
      // the commands replayed from the log after the snapshot (if any), then the new one, each once
      assertThat(ids(got)).doesNotHaveDuplicates().isSorted().endsWith(8L);
      assertThat(got.get(0).slot()).isGreaterThanOrEqualTo(oldest);
    }
  }

  @Test
  void aWatcherThatDoesNotReadIsCutOffAndHoldsUpNothing() throws Exception {
    PaxosNode n = node(new WatchOptions(3, 1 << 20));
    Watch slow = n.watch(1);
    open.add(slow);
    long last = 0;
    for (long i = 1; i <= 20; i++) {
      last = submit(n, i); // completes: the apply thread never waits for the watcher
    }
    long end = last;
    await().atMost(Duration.ofSeconds(5)).until(() -> n.status().appliedSlot() >= end);
    assertThat(n.oldestWatchableSlot()).isGreaterThan(1);
    assertThatThrownBy(() -> slow.poll(10))
        .isInstanceOfSatisfying(
            SlotUnavailableException.class,
            e -> {
              assertThat(e.requestedSlot()).isEqualTo(1);
              assertThat(e.oldestSlot()).isEqualTo(n.oldestWatchableSlot());
            });
    try (Watch fresh = n.watch(n.oldestWatchableSlot())) {
      assertThat(ids(drain(fresh, end))).hasSizeLessThanOrEqualTo(3).endsWith(20L);
    }
  }

  @Test
  void aSessionRetryIsReportedOnce() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    long session = 0x77A7_C4L;
    byte[] command = RecordingStateMachine.command(42);
    byte[] first = n.submit(session, 1, 1, command).get(10, TimeUnit.SECONDS);
    long retrySlot = n.submitWithSlot(session, 1, 1, command).get(10, TimeUnit.SECONDS).slot();
    assertThat(n.submit(session, 1, 1, command).get(10, TimeUnit.SECONDS)).isEqualTo(first);
    long end = Math.max(retrySlot, submit(n, 43));
    try (Watch w = n.watch(1)) {
      assertThat(ids(drain(w, end))).containsExactly(42L, 43L);
    }
  }

  @Test
  void closingTheNodeEndsItsWatches() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    Watch w = n.watch(1);
    AtomicInteger signals = new AtomicInteger();
    w.onAvailable(signals::incrementAndGet);
    n.close();
    assertThat(signals.get()).isGreaterThan(1);
    assertThatThrownBy(() -> w.take(1, Duration.ofSeconds(5)))
        .isInstanceOf(NodeClosedException.class);
    assertThatThrownBy(() -> n.watch(1)).isInstanceOf(NodeClosedException.class);
    w.close();
    assertThatThrownBy(() -> w.poll(1)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void slotResultsAndWatchAgree() throws Exception {
    PaxosNode n = node(WatchOptions.defaults());
    SlotResult r = n.submitWithSlot(RecordingStateMachine.command(9)).get(10, TimeUnit.SECONDS);
    try (Watch w = n.watch(r.slot())) {
      List<AppliedSlot> got = w.poll(10); // appended before the future completed
      assertThat(got).hasSize(1);
      assertThat(got.get(0).slot()).isEqualTo(r.slot());
      assertThat(got.get(0).commands().get(0).result()).isEqualTo(r.result());
    }
  }
}
