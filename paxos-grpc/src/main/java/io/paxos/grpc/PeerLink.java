package io.paxos.grpc;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.paxos.core.observe.RateLimitedLog;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.transport.PeerObserver;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.Welcome;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbound half of a connection to one peer: a bounded queue, and the one stream that carries
 * it, opened again with backoff when it fails.
 *
 * <p><b>Threading.</b> {@link #offer}, {@link #flush} and the counters may be used from any thread.
 * Everything else (the channel, the stream, the backoff state) is used only under {@link #lock}: by
 * the transport's sender thread, which opens streams, reconnects and drains when gRPC says the
 * stream is ready again, and by a caller of {@link #flush} (the node's event loop), which drains in
 * place when the stream is open and nobody else is draining, so that a batch leaves without a
 * hand-off to the sender thread. gRPC's callbacks only hand work to the sender thread.
 */
final class PeerLink {
  private static final Logger log = LoggerFactory.getLogger(PeerLink.class);
  private static final int MAX_MESSAGES_PER_FRAME = 1024;

  record Settings(
      PeerHandshake handshake,
      int localId,
      Optional<TlsConfig> tls,
      int capacity,
      int maxFrameBytes,
      long minBackoffNanos,
      long maxBackoffNanos,
      long helloTimeoutNanos,
      int maxMessageBytes) {}

  /** Refusals by peers: at most one line per peer and kind every 10 seconds. */
  private static final RateLimitedLog refusals = RateLimitedLog.warnings(log);

  private final int peer;
  private final Endpoint endpoint;
  private final Settings settings;
  private final ScheduledExecutorService sender;
  private final SplittableRandom random;
  private final ConcurrentLinkedQueue<PeerMessage> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong sent = new AtomicLong();
  private volatile boolean closed;
  private volatile ManagedChannel channel;
  private volatile PeerObserver observer = new PeerObserver() {};
  private final ReentrantLock lock = new ReentrantLock();

  // Under lock only.
  private ClientCallStreamObserver<PeerFrame> call;
  private boolean helloSent; // frames leave only after the Hello, which answers the challenge
  private byte[] challenge;
  private byte[] clientNonce;
  private Hello hello; // the one sent on the current stream, which its Welcome answers
  private Envelope carried;
  private int failures;
  private long retryAtNanos;
  private Boolean reachable; // null until the first stream opens or fails

  PeerLink(
      int peer,
      Endpoint endpoint,
      Settings settings,
      ScheduledExecutorService sender,
      SplittableRandom random) {
    this.peer = peer;
    this.endpoint = endpoint;
    this.settings = settings;
    this.sender = sender;
    this.random = random;
  }

  /** Where this link reaches its peer. */
  Endpoint endpoint() {
    return endpoint;
  }

  /** Whether {@link #close} was called. */
  boolean isClosed() {
    return closed;
  }

  /** Whether this link was closed and its channel, if it ever had one, has terminated. */
  boolean isTerminated() {
    ManagedChannel ch = channel;
    return closed && (ch == null || ch.isTerminated());
  }

  /** Who hears of this peer's reachability and of dropped messages; before {@link #start()}. */
  void observer(PeerObserver observer) {
    this.observer = observer;
  }

  /** Connect now, so that the first message does not wait for the handshake. */
  void start() {
    schedule();
  }

  /** Queue {@code message}, or drop it if the queue is full. Never blocks. */
  void offer(PeerMessage message) {
    if (queued.incrementAndGet() > settings.capacity() || closed) {
      queued.decrementAndGet();
      dropped.incrementAndGet();
      observer.messagesDropped(peer, 1);
      return;
    }
    queue.add(message);
    if (queued.get() >= MAX_MESSAGES_PER_FRAME) {
      schedule();
    }
  }

  void flush() {
    if (queued.get() > 0 && !drainHere()) {
      schedule();
    }
  }

  /**
   * Drain on the calling thread if the stream is open and the lock is free; false if the sender
   * thread must do it. What flow control holds back leaves when gRPC calls the ready handler.
   */
  private boolean drainHere() {
    if (closed || !lock.tryLock()) {
      return false;
    }
    try {
      if (call == null) {
        return false;
      }
      sendWhileReady(call);
      return true;
    } finally {
      lock.unlock();
    }
  }

  long dropped() {
    return dropped.get();
  }

  long sent() {
    return sent.get();
  }

  private void schedule() {
    if (!closed && scheduled.compareAndSet(false, true)) {
      try {
        sender.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // the transport is closing
      }
    }
  }

  private void drain() {
    scheduled.set(false);
    if (closed) {
      return;
    }
    locked(this::drainLocked);
  }

  private void drainLocked() {
    if (call == null) {
      if (System.nanoTime() - retryAtNanos < 0) {
        return; // a timer opens the stream again when the backoff ends
      }
      open();
    }
    sendWhileReady(call);
  }

  /** Under the lock: send frames while anything is queued and flow control lets them go. */
  private void sendWhileReady(ClientCallStreamObserver<PeerFrame> c) {
    while (helloSent && (queued.get() > 0 || carried != null) && c.isReady()) {
      sendFrame(c);
    }
  }

  private void locked(Runnable task) {
    lock.lock();
    try {
      task.run();
    } finally {
      lock.unlock();
    }
  }

  private void open() {
    if (channel == null) {
      channel =
          Grpc.newChannelBuilderForAddress(
                  endpoint.host(), endpoint.port(), TlsConfig.channelCredentials(settings.tls()))
              .directExecutor()
              .keepAliveTime(10, TimeUnit.SECONDS)
              .keepAliveTimeout(5, TimeUnit.SECONDS)
              .disableRetry()
              .build();
    }
    Responses responses = new Responses();
    PaxosPeerGrpc.newStub(channel).connect(responses);
    ClientCallStreamObserver<PeerFrame> opened = responses.requests;
    call = opened;
    helloSent = false;
    challenge = new byte[0];
    clientNonce = settings.handshake().nonce();
    if (!settings.handshake().hasSecret()) {
      sendHello(opened); // no challenge to wait for
      return;
    }
    try {
      sender.schedule(
          () -> locked(() -> challengeTimedOut(opened)),
          settings.helloTimeoutNanos(),
          TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Under the lock: the peer's challenge arrived on {@code stream}; answer with the Hello. */
  private void answer(ClientCallStreamObserver<PeerFrame> stream, Welcome welcome) {
    if (call != stream || closed) {
      return;
    }
    if (!helloSent) {
      String why = PeerHandshake.checkChallenge(welcome);
      if (why != null) {
        fail(stream, why);
        return;
      }
      challenge = welcome.getChallenge().toByteArray();
      sendHello(stream);
      sendWhileReady(stream);
      return;
    }
    if (welcome.getNodeId() == 0 && !welcome.getChallenge().isEmpty()) {
      return; // a challenge this node, without a secret, does not answer; a refusal follows
    }
    String why = settings.handshake().checkWelcome(welcome, hello, challenge);
    if (why != null) {
      fail(stream, why);
      return;
    }
    failures = 0;
    if (!Boolean.TRUE.equals(reachable)) {
      reachable = Boolean.TRUE;
      observer.peerReachable(peer);
    }
  }

  private void sendHello(ClientCallStreamObserver<PeerFrame> stream) {
    hello = settings.handshake().hello(peer, challenge, clientNonce);
    stream.onNext(PeerFrame.newBuilder().setHello(hello).build());
    helloSent = true;
  }

  private void challengeTimedOut(ClientCallStreamObserver<PeerFrame> stream) {
    if (call == stream && !helloSent && !closed) {
      fail(stream, "it sent no challenge in time (is it configured with the cluster secret?)");
    }
  }

  /** Under the lock: give up on {@code stream}, whose peer cannot be trusted or understood. */
  private void fail(ClientCallStreamObserver<PeerFrame> stream, String why) {
    refusals.event(
        "node " + settings.localId() + " does not trust node " + peer + " at " + endpoint, why);
    stream.cancel("node " + settings.localId() + " does not trust node " + peer + ": " + why, null);
    ended(stream, Status.PERMISSION_DENIED.withDescription(why), false);
  }

  /** Send as much of the queue as fits in one frame. */
  private void sendFrame(ClientCallStreamObserver<PeerFrame> c) {
    PeerFrame.Builder frame = PeerFrame.newBuilder();
    int bytes = 0;
    int count = 0;
    while (count < MAX_MESSAGES_PER_FRAME) {
      Envelope e = carried;
      carried = null;
      if (e == null) {
        PeerMessage m = queue.poll();
        if (m == null) {
          break;
        }
        queued.decrementAndGet();
        e = MessageCodec.encode(m);
      }
      int size = e.getSerializedSize() + 6;
      if (count > 0 && bytes + size > settings.maxFrameBytes()) {
        carried = e; // starts the next frame
        break;
      }
      if (size > settings.maxMessageBytes()) {
        dropped.incrementAndGet();
        observer.messagesDropped(peer, 1);
        log.warn(
            "node {} drops a {}-byte message to node {}: too large",
            settings.localId(),
            size,
            peer);
        continue;
      }
      frame.addMessages(e);
      bytes += size;
      count++;
    }
    if (count > 0) {
      c.onNext(frame.build());
      sent.addAndGet(count);
    }
  }

  /** The stream {@code failed} ended: drop what is queued and open it again after a backoff. */
  private void ended(ClientCallStreamObserver<PeerFrame> failed, Status status, boolean report) {
    if (call != failed || closed) {
      return;
    }
    call = null;
    helloSent = false;
    carried = null;
    int lost = 0;
    while (queue.poll() != null) {
      queued.decrementAndGet();
      lost++;
    }
    dropped.addAndGet(lost);
    if (lost > 0) {
      observer.messagesDropped(peer, lost);
    }
    if (!Boolean.FALSE.equals(reachable)) {
      reachable = Boolean.FALSE;
      observer.peerUnreachable(peer, "stream to " + endpoint + " ended: " + describe(status));
    }
    failures++;
    long base =
        Math.min(
            settings.maxBackoffNanos(), settings.minBackoffNanos() << Math.min(failures - 1, 20));
    long delay = base / 2 + random.nextLong(base / 2 + 1);
    retryAtNanos = System.nanoTime() + delay;
    if (!report) {
      // already said why
    } else if (refusal(status)) {
      refusals.event(
          "node " + settings.localId() + ": node " + peer + " refuses its stream",
          describe(status));
    } else if (failures == 1) {
      log.debug(
          "node {}: stream to node {} at {} ended ({}); reconnecting with backoff",
          settings.localId(),
          peer,
          endpoint,
          describe(status));
    } else {
      log.debug("node {}: stream to node {} failed again: {}", settings.localId(), peer, status);
    }
    try {
      sender.schedule(this::schedule, delay, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /** Whether the peer refused the handshake (as opposed to being unreachable). */
  private static boolean refusal(Status status) {
    return switch (status.getCode()) {
      case PERMISSION_DENIED, FAILED_PRECONDITION, ALREADY_EXISTS, UNAUTHENTICATED -> true;
      default -> false;
    };
  }

  private static String describe(Status status) {
    return status.getDescription() == null
        ? status.getCode().toString()
        : status.getCode() + ": " + RateLimitedLog.cut(status.getDescription());
  }

  /** Run {@code task} on the sender thread, under the lock. */
  private void onSender(Runnable task) {
    try {
      sender.execute(() -> locked(task));
    } catch (RejectedExecutionException e) {
      // the transport is closing
    }
  }

  /** Stop sending; the stream and channel close on the sender thread. */
  void close() {
    closed = true;
    onSender(
        () -> {
          if (call != null) {
            call.cancel("node " + settings.localId() + " is closing", null);
            call = null;
          }
          ManagedChannel ch = channel;
          if (ch != null) {
            ch.shutdownNow();
          }
        });
  }

  /** Wait until the channel has closed (after the sender thread ran {@link #close}'s task). */
  void awaitClosed() {
    ManagedChannel ch = channel;
    if (ch != null) {
      ch.shutdownNow();
      try {
        ch.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** gRPC's callbacks for one stream; they run on gRPC's threads and only hand over. */
  private final class Responses implements ClientResponseObserver<PeerFrame, Welcome> {
    private ClientCallStreamObserver<PeerFrame> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<PeerFrame> requestStream) {
      this.requests = requestStream;
      requestStream.setOnReadyHandler(PeerLink.this::schedule);
    }

    @Override
    public void onNext(Welcome welcome) {
      onSender(() -> answer(requests, welcome));
    }

    @Override
    public void onError(Throwable t) {
      onSender(() -> ended(requests, Status.fromThrowable(t), true));
    }

    @Override
    public void onCompleted() {
      onSender(
          () -> ended(requests, Status.UNAVAILABLE.withDescription("peer ended the stream"), true));
    }
  }
}
