package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The durability rule on a node whose storage syncs on the storage thread ({@link
 * Storage#blockingSync()}): a vote leaves only after its sync, while the event loop goes on working
 * during the sync. Node 1 of a 3-node cluster runs for real; node 2 is played by the test through a
 * recording transport.
 */
class StorageThreadTest {
  // Election timeouts far beyond the test, so that node 1 never campaigns on its own.
  private static final ProtocolOptions QUIET =
      ProtocolOptions.defaults().withTimings(20, 600_000, 700_000, 100);
  private static final Ballot NODE_2 = new Ballot(5, 2);

  @Test
  void aPromiseLeavesOnlyAfterItsSyncWhileTheLoopGoesOn() {
    GatedStorage storage = new GatedStorage();
    RecordingTransport transport = new RecordingTransport();
    PaxosNode node = node(storage, transport);
    try {
      transport.deliver(new Message.Prepare(2, NODE_2, 1));
      await().atMost(Duration.ofSeconds(30)).until(() -> storage.syncsEntered.get() == 1);
      // While that sync waits, the loop takes a heartbeat from node 2 and forwards a command to it:
      // a Forward states nothing about this node's disk, so it leaves at once.
      transport.deliver(new Message.Heartbeat(2, NODE_2, 0, 1));
      node.submit(new byte[] {42});
      await().atMost(Duration.ofSeconds(30)).until(() -> transport.sent(Message.Forward.class) > 0);
      assertThat(transport.sent(Message.Promise.class))
          .as("a promise sent before the sync that makes it durable")
          .isZero();
      assertThat(storage.syncedPromise()).isEqualTo(Ballot.ZERO);

      storage.open();
      await().atMost(Duration.ofSeconds(30)).until(() -> transport.sent(Message.Promise.class) > 0);
      assertThat(storage.syncedPromise()).isEqualTo(NODE_2);
      Message.Promise promise = (Message.Promise) transport.first(Message.Promise.class);
      assertThat(promise.ballot()).isEqualTo(NODE_2);
    } finally {
      storage.open();
      node.close();
    }
  }

  @Test
  void aFailedSyncStopsTheNodeAndItsVoteNeverLeaves() {
    GatedStorage storage = new GatedStorage();
    storage.failSyncs();
    storage.open();
    RecordingTransport transport = new RecordingTransport();
    PaxosNode node = node(storage, transport);
    try {
      transport.deliver(new Message.Prepare(2, NODE_2, 1));
      await().atMost(Duration.ofSeconds(30)).until(() -> node.status().failure().isPresent());
      node.close(); // joins the event loop: nothing is sent after this
      assertThat(node.status().failure().orElseThrow()).contains("sync");
      assertThat(transport.sent(Message.Promise.class)).isZero();
    } finally {
      node.close();
    }
  }

  private static PaxosNode node(Storage storage, Transport transport) {
    return PaxosNode.builder()
        .config(ClusterConfig.of("gated", 1, 2, 3))
        .nodeId(1)
        .stateMachine(new RecordingStateMachine())
        .transport(transport)
        .storage(storage)
        .options(QUIET)
        .bootstrap(Bootstrap.NEW)
        .build();
  }

  /** Messages node 1 sends, in order; the test delivers node 2's messages to node 1. */
  private static final class RecordingTransport implements Transport {
    private final List<PeerMessage> sent = new CopyOnWriteArrayList<>();
    private volatile Consumer<PeerMessage> inbound;

    void deliver(PeerMessage m) {
      inbound.accept(m);
    }

    long sent(Class<? extends Message> type) {
      return sent.stream().filter(type::isInstance).count();
    }

    PeerMessage first(Class<? extends Message> type) {
      return sent.stream().filter(type::isInstance).findFirst().orElseThrow();
    }

    @Override
    public void start(Consumer<PeerMessage> inbound) {
      this.inbound = inbound;
    }

    @Override
    public void send(int to, PeerMessage message) {
      sent.add(message);
    }

    @Override
    public void close() {}
  }

  /**
   * An in-memory storage that declares a blocking sync, and whose syncs wait until the test opens
   * the gate.
   */
  private static final class GatedStorage extends ForwardingStorage {
    private final InMemoryStorage memory;
    private final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger syncsEntered = new AtomicInteger();

    GatedStorage() {
      this(new InMemoryStorage());
    }

    private GatedStorage(InMemoryStorage memory) {
      super(memory);
      this.memory = memory;
    }

    void open() {
      gate.countDown();
    }

    void failSyncs() {
      memory.failSyncs();
    }

    private volatile Ballot pendingPromise = Ballot.ZERO;
    private volatile Ballot syncedPromise = Ballot.ZERO;

    /** The promise a crash now would keep: what the last sync made durable. */
    Ballot syncedPromise() {
      return syncedPromise;
    }

    @Override
    public boolean blockingSync() {
      return true;
    }

    @Override
    public void sync() {
      syncsEntered.incrementAndGet();
      try {
        if (!gate.await(60, TimeUnit.SECONDS)) {
          throw new IllegalStateException("the test never opened the gate");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      delegate.sync();
      syncedPromise = pendingPromise;
    }

    @Override
    public void savePromise(Ballot promised) {
      pendingPromise = promised;
      delegate.savePromise(promised);
    }

    @Override
    public void close() {}
  }
}
