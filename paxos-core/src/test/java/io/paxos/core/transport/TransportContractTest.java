package io.paxos.core.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The rules every {@link Transport} must follow, as a suite that each implementation runs: extend
 * this class and implement {@link #connect(int)} (see {@code InMemoryNetworkTransportTest}; the
 * gRPC module reuses this class through paxos-core's test-jar).
 *
 * <p>A transport may drop messages, so the suite first makes sure a connection carries messages
 * (sending a probe again until it arrives) and only then expects every message to arrive. It never
 * sleeps and never asserts how long anything takes: every wait is bounded by the generous {@link
 * #patience()} and ends as soon as the awaited messages arrived.
 */
public abstract class TransportContractTest {

  /**
   * Create transports for the nodes {@code 1 .. nodes}, connected to each other, in id order and
   * not yet started. The suite starts each once and closes them all after each test.
   */
  protected abstract List<Transport> connect(int nodes) throws Exception;

  /** The longest the suite waits for messages that should arrive. */
  protected Duration patience() {
    return Duration.ofSeconds(30);
  }

  private final List<Node> nodes = new ArrayList<>();

  /** One started transport and what its handler received. */
  protected static final class Node implements Consumer<PeerMessage> {
    /** The node id. */
    public final int id;

    public final Transport transport;

    /** Every message the handler was called with, in arrival order. */
    public final ConcurrentLinkedQueue<PeerMessage> received = new ConcurrentLinkedQueue<>();

    /** Handler calls made after {@link #close()} returned. */
    public final AtomicInteger callsAfterClose = new AtomicInteger();

    /** Also called with every message received, on the handler's thread. */
    public volatile Consumer<PeerMessage> listener;

    final Semaphore arrivals = new Semaphore(0);
    volatile boolean closeReturned;

    Node(int id, Transport transport) {
      this.id = id;
      this.transport = transport;
    }

    @Override
    public void accept(PeerMessage message) {
      if (closeReturned) {
        callsAfterClose.incrementAndGet();
      }
      received.add(message);
      Consumer<PeerMessage> l = listener;
      if (l != null) {
        l.accept(message);
      }
      arrivals.release();
    }

    /** Close the transport and note that close returned. */
    public void close() {
      transport.close();
      closeReturned = true;
    }

    boolean hasReceived(PeerMessage message) {
      return received.contains(message);
    }
  }

  /** Connects and starts {@code count} transports; node {@code i} is {@code get(i - 1)}. */
  protected List<Node> start(int count) throws Exception {
    List<Transport> transports = connect(count);
    assertThat(transports).as("transports from connect(%d)", count).hasSize(count);
    for (int i = 0; i < count; i++) {
      Node node = new Node(i + 1, transports.get(i));
      nodes.add(node);
    }
    for (Node node : nodes) {
      node.transport.start(node);
    }
    return List.copyOf(nodes);
  }

  @AfterEach
  void closeAll() {
    for (Node node : nodes) {
      node.transport.close();
    }
  }

  /** A message that names its sender, a tag and (in the commit slot) its destination. */
  protected static Message probe(int from, int to, long tag) {
    return new Message.Heartbeat(from, new Ballot(1, from), to, tag);
  }

  private boolean waitFor(Node node, BooleanSupplier condition, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      node.arrivals.tryAcquire(
          Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
    }
    return true;
  }

  /**
   * Send {@code message} from {@code from} to {@code to} again and again until it arrives; a
   * transport may drop messages while it connects.
   */
  protected void sendUntilReceived(Node from, Node to, PeerMessage message)
      throws InterruptedException {
    long deadline = System.nanoTime() + patience().toNanos();
    do {
      from.transport.send(to.id, message);
      from.transport.flush();
      if (waitFor(to, () -> to.hasReceived(message), Duration.ofMillis(100))) {
        return;
      }
    } while (System.nanoTime() < deadline);
    throw new AssertionError(
        "node "
            + to.id
            + " never received "
            + message
            + " from node "
            + from.id
            + " in "
            + patience());
  }

  /** Make sure every ordered pair of distinct nodes in {@code group} carries messages. */
  protected void connectAll(List<Node> group) throws InterruptedException {
    for (Node from : group) {
      for (Node to : group) {
        if (from != to) {
          sendUntilReceived(from, to, probe(from.id, to.id, -1));
        }
      }
    }
  }

  /**
   * Wait until {@code to} received a marker sent from {@code from} after everything sent before it:
   * a best-effort barrier for checks that a message did not arrive.
   */
  private void barrier(Node from, Node to) throws InterruptedException {
    sendUntilReceived(from, to, probe(from.id, to.id, -2));
  }

  @Test
  @DisplayName("a message is delivered to the node it is addressed to, intact, and to no other")
  public void deliversToTheAddressedNode() throws Exception {
    List<Node> n = start(3);
    connectAll(n);
    Message to2 = probe(1, 2, 100);
    Message to3 = probe(1, 3, 101);
    Message to1 = probe(3, 1, 102);

    sendUntilReceived(n.get(0), n.get(1), to2);
    sendUntilReceived(n.get(0), n.get(2), to3);
    sendUntilReceived(n.get(2), n.get(0), to1);
    barrier(n.get(0), n.get(1));
    barrier(n.get(0), n.get(2));
    barrier(n.get(1), n.get(0));

    assertThat(n.get(0).received).doesNotContain(to2, to3);
    assertThat(n.get(1).received).doesNotContain(to3, to1);
    assertThat(n.get(2).received).doesNotContain(to2, to1);
  }

  @Test
  @DisplayName("every kind of message arrives equal to what was sent")
  public void everyMessageTypeArrivesIntact() throws Exception {
    List<Node> n = start(2);
    connectAll(n);
    Node receiver = n.get(1);
    receiver.received.clear();
    Ballot ballot = new Ballot(7, 1);
    Command command =
        new Command(1, 0x1234_5678_9abcL, 42, "set x 1".getBytes(StandardCharsets.UTF_8));
    Value batch = new Value.Batch(List.of(command, new Command(1, 3, 4, new byte[0])));
    List<PeerMessage> samples =
        List.of(
            new Message.Prepare(1, ballot, 5),
            new Message.Promise(
                1,
                ballot,
                5,
                List.of(
                    new AcceptedEntry(5, new Ballot(6, 2), batch),
                    new AcceptedEntry(9, new Ballot(3, 3), Value.NOOP))),
            new Message.Promise(1, ballot, 1, List.of()),
            new Message.Accept(1, ballot, 10, List.of(batch, Value.NOOP), 9),
            new Message.Accepted(1, ballot, 10, 2),
            new Message.Nack(1, ballot, new Ballot(8, 3)),
            new Message.Commit(1, ballot, 12),
            new Message.Heartbeat(1, ballot, 12, Long.MAX_VALUE),
            new Message.HeartbeatAck(1, ballot, 77),
            new Message.CatchUpRequest(1, 3, 256),
            new Message.CatchUpReply(1, 3, List.of(batch, Value.NOOP)),
            new Message.Forward(1, new Ballot(3, 2), List.of(command)),
            new Message.ForwardRejected(1, List.of(command), Outbox.Rejection.OVERLOADED, 3),
            new Message.ReadIndexRequest(1, 99),
            new Message.ReadIndexReply(1, 99, true, 13, 1),
            new Message.ReadIndexReply(1, 100, false, 0, 0),
            new HostMessage.CommandResult(1, 0x1234_5678_9abcL, 42, 13, new byte[] {1, 2, 3}),
            new HostMessage.CommandFailed(
                1, 0x1234_5678_9abcL, 43, 14, "java.lang.IllegalStateException", "no funds \u00e9"),
            new HostMessage.SnapshotRequest(1, 1_000_000, 262_144),
            new HostMessage.SnapshotChunk(1, 1_000_000, 0, 5, 0xCAFEBABE, new byte[] {1, 2, 3}));

    for (PeerMessage m : samples) {
      n.get(0).transport.send(2, m);
    }
    n.get(0).transport.flush();

    assertThat(waitFor(receiver, () -> receiver.received.size() >= samples.size(), patience()))
        .as("all %d messages arrive", samples.size())
        .isTrue();
    assertThat(new ArrayList<>(receiver.received))
        .usingRecursiveFieldByFieldElementComparator()
        .containsExactlyInAnyOrderElementsOf(samples);
  }

  @Test
  @DisplayName("a send to an unknown node is dropped without throwing")
  public void sendToUnknownNodeDropped() throws Exception {
    List<Node> n = start(2);

    assertThatCode(
            () -> {
              n.get(0).transport.send(99, probe(1, 99, 1));
              n.get(0).transport.send(0, probe(1, 0, 2));
              n.get(0).transport.send(-1, probe(1, -1, 3));
              n.get(0).transport.flush();
            })
        .doesNotThrowAnyException();
    sendUntilReceived(n.get(0), n.get(1), probe(1, 2, 4));
  }

  @Test
  @DisplayName(
      "a send to a closed node is dropped without throwing, nothing reaches it, and the other nodes"
          + " still talk")
  public void sendToClosedNodeDropped() throws Exception {
    List<Node> n = start(3);
    connectAll(n);
    Node closed = n.get(1);
    closed.close();
    int before = closed.received.size();

    assertThatCode(
            () -> {
              for (int i = 0; i < 100; i++) {
                n.get(0).transport.send(2, probe(1, 2, i));
                n.get(2).transport.send(2, probe(3, 2, i));
              }
              n.get(0).transport.flush();
              n.get(2).transport.flush();
            })
        .doesNotThrowAnyException();
    sendUntilReceived(n.get(0), n.get(2), probe(1, 3, 500));
    sendUntilReceived(n.get(2), n.get(0), probe(3, 1, 501));

    assertThat(closed.received).hasSize(before);
    assertThat(closed.callsAfterClose).hasValue(0);
  }

  @Test
  @DisplayName("a send after the sender's own close does not throw and is not delivered")
  public void sendAfterCloseDoesNotThrow() throws Exception {
    List<Node> n = start(3);
    connectAll(n);
    n.get(0).close();
    Message late = probe(1, 2, 7);

    assertThatCode(
            () -> {
              n.get(0).transport.send(2, late);
              n.get(0).transport.send(3, probe(1, 3, 8));
              n.get(0).transport.flush();
            })
        .doesNotThrowAnyException();
    barrier(n.get(2), n.get(1));

    assertThat(n.get(1).received).doesNotContain(late);
  }

  @Test
  @DisplayName("close is idempotent and closing one node twice does not disturb the others")
  public void closeIsIdempotent() throws Exception {
    List<Node> n = start(3);
    connectAll(n);

    assertThatCode(
            () -> {
              n.get(1).close();
              n.get(1).close();
              n.get(1).transport.close();
            })
        .doesNotThrowAnyException();

    sendUntilReceived(n.get(0), n.get(2), probe(1, 3, 1));
    sendUntilReceived(n.get(2), n.get(0), probe(3, 1, 2));
  }

  @Test
  @DisplayName("a node's handler is not called after its close() returned")
  public void noDeliveryAfterClose() throws Exception {
    List<Node> n = start(3);
    connectAll(n);
    Node closing = n.get(2);

    closing.close();
    for (int i = 0; i < 50; i++) {
      n.get(0).transport.send(3, probe(1, 3, i));
      n.get(1).transport.send(3, probe(2, 3, i));
    }
    n.get(0).transport.flush();
    n.get(1).transport.flush();
    barrier(n.get(0), n.get(1));
    barrier(n.get(1), n.get(0));

    assertThat(closing.callsAfterClose).hasValue(0);
  }

  @Test
  @DisplayName(
      "many messages sent concurrently by every node's own thread all arrive, each exactly once")
  public void manyMessagesFromSeveralThreadsAllArrive() throws Exception {
    int count = 3;
    int perDestination = 2_000;
    List<Node> n = start(count);
    connectAll(n);
    int expected = count * (count - 1) * perDestination;
    CountDownLatch all = new CountDownLatch(expected);
    AtomicInteger duplicates = new AtomicInteger();
    AtomicInteger misrouted = new AtomicInteger();
    for (Node node : n) {
      Set<Long> seen = ConcurrentHashMap.newKeySet();
      node.listener =
          m -> {
            if (!(m instanceof Message.Heartbeat) || ((Message.Heartbeat) m).sequence() < 0) {
              return; // a connection probe
            }
            Message.Heartbeat h = (Message.Heartbeat) m;
            if (h.commitSlot() != node.id) {
              misrouted.incrementAndGet();
            }
            if (seen.add(((long) h.from() << 32) | h.sequence())) {
              all.countDown();
            } else {
              duplicates.incrementAndGet();
            }
          };
    }
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> senders = new ArrayList<>();
    for (Node from : n) {
      Thread sender =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (int i = 0; i < perDestination; i++) {
                    for (Node to : n) {
                      if (to != from) {
                        from.transport.send(to.id, probe(from.id, to.id, i));
                      }
                    }
                    if (i % 64 == 63) {
                      from.transport.flush();
                    }
                  }
                  from.transport.flush();
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "sender-" + from.id);
      sender.start();
      senders.add(sender);
    }

    go.countDown();
    boolean arrived = all.await(patience().toMillis(), TimeUnit.MILLISECONDS);
    for (Thread sender : senders) {
      sender.join(patience().toMillis());
    }

    assertThat(failure.get()).as("a send threw").isNull();
    assertThat(arrived)
        .as("%d of %d messages arrived", expected - all.getCount(), expected)
        .isTrue();
    assertThat(duplicates).as("duplicated deliveries").hasValue(0);
    assertThat(misrouted).as("messages delivered to the wrong node").hasValue(0);
  }
}
