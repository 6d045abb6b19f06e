package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.grpc.client.ClientWatch;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.client.WatchListener;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The gRPC {@code Watch} stream and {@link PaxosClient#watch}: a watch follows the cluster through
 * the crash of the node it streams from (the leader), resuming elsewhere with no slot lost or
 * repeated; slots no node retains end it with the oldest slot available.
 */
class WatchStreamTest {
  /** Collects what a watch reports. */
  private static final class Recorder implements WatchListener {
    final List<AppliedSlot> slots = new ArrayList<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();

    @Override
    public synchronized void onSlot(AppliedSlot slot) {
      slots.add(slot);
    }

    @Override
    public void onError(Throwable e) {
      error.complete(e);
    }

    synchronized List<Long> ids() {
      List<Long> ids = new ArrayList<>();
      for (AppliedSlot s : slots) {
        for (AppliedCommand c : s.commands()) {
          ids.add(ByteBuffer.wrap(c.command()).getLong());
        }
      }
      return ids;
    }

    synchronized List<Long> slotNumbers() {
      return slots.stream().map(AppliedSlot::slot).toList();
    }
  }

  private final java.util.Map<Integer, LogStateMachine> machines =
      new java.util.concurrent.ConcurrentHashMap<>();

  private LocalCluster cluster(WatchOptions history) {
    return LocalCluster.builder()
        .config(ClusterConfig.of("watch", 1, 2, 3))
        .stateMachines(
            id -> {
              LogStateMachine sm = new LogStateMachine();
              machines.put(id, sm);
              return sm;
            })
        .options(GrpcCluster.FAST)
        .commandTimeout(Duration.ofSeconds(5))
        .watchHistory(history)
        .start();
  }

  private static void submit(PaxosClient client, long from, long to) throws Exception {
    List<CompletableFuture<byte[]>> all = new ArrayList<>();
    for (long id = from; id <= to; id++) {
      all.add(client.submit(LogStateMachine.command(id)));
    }
    for (CompletableFuture<byte[]> f : all) {
      f.get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aWatchOnTheLeaderResumesElsewhereWhenItCrashesWithNoGapNorDuplicate() throws Exception {
    try (LocalCluster cluster = cluster(WatchOptions.defaults())) {
      PaxosNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      Endpoint leaderAddress = cluster.endpoints().get(cluster.nodes().indexOf(leader));
      List<Endpoint> leaderFirst = new ArrayList<>(List.of(leaderAddress));
      cluster.endpoints().stream().filter(e -> !e.equals(leaderAddress)).forEach(leaderFirst::add);
      try (PaxosClient client = PaxosClient.builder().endpoints(leaderFirst).seed(7).build()) {
        submit(client, 1, 30);
        Recorder seen = new Recorder();
        try (ClientWatch w = client.watch(1, seen)) {
          await().atMost(Duration.ofSeconds(20)).until(() -> seen.ids().size() == 30);
          assertThat(w.node()).contains(leaderAddress);

          cluster.stop(leader.id()); // the watched node crashes
          submit(client, 31, 60); // through the new leader

          await().atMost(Duration.ofSeconds(30)).until(() -> seen.ids().size() >= 60);
          assertThat(seen.ids())
              .as("every command once")
              .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 60).boxed().toList());
          int survivor = cluster.nodes().get(0).id();
          assertThat(seen.ids())
              .as("in the order the replicas applied them")
              .isEqualTo(LogStateMachine.ids(machines.get(survivor).query(new byte[0])));
          assertThat(seen.slotNumbers()).isSorted().doesNotHaveDuplicates();
          List<Long> slots = seen.slotNumbers();
          assertThat(w.nextSlot()).isGreaterThan(slots.get(slots.size() - 1));
          assertThat(w.node()).isPresent().get().isNotEqualTo(leaderAddress);
          assertThat(seen.error).isNotDone();
        }
      }
    }
  }

  @Test
  void slotsNoNodeRetainsEndTheWatchWithTheOldestAvailable() throws Exception {
    try (LocalCluster cluster = cluster(new WatchOptions(5, 1 << 20))) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      try (PaxosClient client =
          PaxosClient.builder().endpoints(cluster.endpoints()).seed(3).build()) {
        for (long id = 1; id <= 20; id++) {
          submit(client, id, id); // one slot each
        }
        Recorder seen = new Recorder();
        try (ClientWatch w = client.watch(1, seen)) {
          Throwable e = seen.error.get(20, TimeUnit.SECONDS);
          assertThat(e).isInstanceOf(SlotUnavailableException.class);
          SlotUnavailableException u = (SlotUnavailableException) e;
          assertThat(u.requestedSlot()).isEqualTo(1);
          assertThat(u.oldestSlot()).isGreaterThan(1);
          assertThat(seen.ids()).isEmpty();

          Recorder resumed = new Recorder();
          try (ClientWatch again = client.watch(u.oldestSlot(), resumed)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> resumed.ids().contains(20L));
            assertThat(resumed.ids()).isSorted().doesNotHaveDuplicates();
          }
        }
      }
    }
  }

  @Test
  void nodesWithoutHistoryEndTheWatchAsUnwatchable() throws Exception {
    try (LocalCluster cluster = cluster(WatchOptions.disabled())) {
      cluster.awaitLeader(Duration.ofSeconds(30));
      try (PaxosClient client =
          PaxosClient.builder().endpoints(cluster.endpoints()).seed(5).build()) {
        Recorder seen = new Recorder();
        try (ClientWatch w = client.watch(1, seen)) {
          assertThat(seen.error.get(20, TimeUnit.SECONDS))
              .isInstanceOf(IllegalStateException.class)
              .hasMessageContaining("watchHistory");
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> client.watch(-1, seen))
            .isInstanceOf(IllegalArgumentException.class);
      }
    }
  }

  @Test
  void aClientThatStopsReadingIsNotBufferedForAndIsCutOffWhenItReadsAgain() throws Exception {
    try (LocalCluster cluster = cluster(new WatchOptions(20, 1 << 20))) {
      PaxosNode leader = cluster.awaitLeader(Duration.ofSeconds(30));
      Endpoint address = cluster.endpoints().get(cluster.nodes().indexOf(leader));
      io.grpc.ManagedChannel channel =
          io.grpc.ManagedChannelBuilder.forAddress(address.host(), address.port())
              .usePlaintext()
              .build();
      try (PaxosClient client = PaxosClient.builder().endpoints(List.of(address)).seed(9).build()) {
        List<io.paxos.grpc.proto.WatchFrame> frames =
            java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<io.grpc.stub.ClientCallStreamObserver<?>> call =
            new CompletableFuture<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        io.paxos.grpc.proto.PaxosClientServiceGrpc.newStub(channel)
            .watch(
                io.paxos.grpc.proto.WatchRequest.newBuilder().setFromSlot(1).build(),
                new io.grpc.stub.ClientResponseObserver<
                    io.paxos.grpc.proto.WatchRequest, io.paxos.grpc.proto.WatchFrame>() {
                  @Override
                  public void beforeStart(
                      io.grpc.stub.ClientCallStreamObserver<io.paxos.grpc.proto.WatchRequest> r) {
                    r.disableAutoRequestWithInitial(1); // read one frame, then stop reading
                    call.complete(r);
                  }

                  @Override
                  public void onNext(io.paxos.grpc.proto.WatchFrame f) {
                    frames.add(f);
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(null);
                  }
                });
        submit(client, 1, 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> frames.size() == 1);
        for (long id = 2; id <= 200; id++) {
          // 8 KiB each, one slot each: 1.6 MB, far past the stream's flow-control window; the
          // history keeps the newest 20
          byte[] big = java.nio.ByteBuffer.allocate(8192).putLong(id).array();
          client.submit(big).get(30, TimeUnit.SECONDS);
        }
        assertThat(leader.oldestWatchableSlot()).isGreaterThan(2);

        call.get().request(Integer.MAX_VALUE); // reads again: it had fallen behind the history
        ended.get(10, TimeUnit.SECONDS);
        io.paxos.grpc.proto.WatchFrame last = frames.get(frames.size() - 1);
        assertThat(last.hasUnavailable()).isTrue();
        assertThat(last.getUnavailable().getOldestSlot()).isGreaterThan(2);
        // what came between is whole slots in order, none past the cut
        List<Long> slots =
            frames.stream()
                .flatMap(f -> f.getSlotsList().stream())
                .map(io.paxos.grpc.proto.WatchedSlot::getSlot)
                .toList();
        assertThat(slots).isSorted().doesNotHaveDuplicates();
        long bytes =
            frames.stream().mapToLong(io.paxos.grpc.proto.WatchFrame::getSerializedSize).sum();
        assertThat(slots.size()).as("cut off before the end").isLessThan(199);
        assertThat(bytes)
            .as("the node sent no more than the client's flow-control window (1 MiB) let through")
            .isLessThan(3L << 19);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
