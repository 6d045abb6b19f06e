package io.paxos.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.paxos.core.config.Member;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.observe.RateLimitedLog;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.Welcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of peer streams: checks each stream's handshake, decodes its frames and hands
 * the messages to the node's inbound handler.
 *
 * <p>Each new stream must send its {@link Hello} within the hello timeout, or it is closed; with a
 * {@link ClusterSecret}, the stream is first sent a challenge, which the Hello answers. {@link
 * PeerHandshake} decides whether the Hello is accepted (cluster, member, target, schema,
 * certificate, cluster secret, configuration fingerprint, membership epoch), against the node's
 * current membership; a refusal ends the stream with an error status naming the reason, and is
 * logged at most once per interval and kind. One stream per member: a second stream claiming a
 * connected member's id is refused, unless its sender is authenticated (mutual TLS or a cluster
 * secret), in which case it replaces the older one (a restarted peer need not wait for its old
 * connection to time out). A frame that does not decode, or carries a message outside the absolute
 * bounds of {@link PeerMessageBounds#malformed} (a round above the maximum, a negative or too large
 * slot...), closes its stream; nothing of the frame is delivered. The node checks the bounds
 * relative to its own state again as it takes each message. A message of a type added to the schema
 * after this build is skipped (the schema's compatibility rule: new messages that old nodes may
 * ignore). The node goes on serving every other stream.
 *
 * <p><b>Threading.</b> gRPC calls the stream callbacks on its network threads (the server runs with
 * a direct executor), one callback at a time per stream; they only decode and call the handler,
 * which must not block. {@link #start} and {@link #stop} may be called from any thread; the handler
 * is never called after {@link #stop} returns.
 */
final class PeerInbound extends PaxosPeerGrpc.PaxosPeerImplBase {
  private static final Logger log = LoggerFactory.getLogger(PeerInbound.class);

  private final int localId;
  private final PeerHandshake handshake;
  private final ScheduledExecutorService timer;
  private final long helloTimeoutNanos;
  private final RateLimitedLog refusals = RateLimitedLog.warnings(log);
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private final Map<Integer, Stream> connected = new ConcurrentHashMap<>();
  private final AtomicInteger delivering = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile Consumer<PeerMessage> handler;
  private volatile boolean stopped;

  /**
   * @param timer closes streams whose Hello is late; owned by the caller
   */
  PeerInbound(
      int localId, PeerHandshake handshake, ScheduledExecutorService timer, Duration helloTimeout) {
    this.localId = localId;
    this.handshake = handshake;
    this.timer = timer;
    this.helloTimeoutNanos = helloTimeout.toNanos();
  }

  /** Deliver every message received from now on to {@code inbound}. */
  void start(Consumer<PeerMessage> inbound) {
    if (handler != null) {
      throw new IllegalStateException("node " + localId + " already receives peer messages");
    }
    handler = inbound;
  }

  /** Stop delivering, close every open stream, and wait for deliveries under way. Idempotent. */
  void stop() {
    stopped = true;
    while (delivering.get() > 0) {
      Thread.onSpinWait();
    }
    for (Stream s : open) {
      s.close(Status.UNAVAILABLE.withDescription("node " + localId + " is closing"));
    }
  }

  /** Streams refused at their handshake, or closed for sending no Hello in time. */
  long refused() {
    return refused.get();
  }

  /** Whether node {@code id} has an open, accepted stream to this node. */
  boolean connected(int id) {
    Stream s = connected.get(id);
    return s != null && !s.isClosed();
  }

  /** Lines the handshake refusals wrote to the log (at most one per kind and interval). */
  long refusalLogLines() {
    return refusals.lines();
  }

  /** Streams closed because a frame did not decode. */
  long malformed() {
    return malformed.get();
  }

  @Override
  public StreamObserver<PeerFrame> connect(StreamObserver<Welcome> responses) {
    Stream stream =
        new Stream(
            (ServerCallStreamObserver<Welcome>) responses,
            handshake.nonce(),
            PeerCertificates.current());
    if (stopped) {
      stream.close(Status.UNAVAILABLE.withDescription("node " + localId + " is closing"));
    } else {
      open.add(stream);
      stream.challenge();
    }
    return stream;
  }

  private void deliver(List<PeerMessage> messages) {
    delivering.incrementAndGet();
    try {
      Consumer<PeerMessage> h = handler;
      if (stopped || h == null) {
        return; // not started yet, or closed: dropped, the protocol retransmits
      }
      for (PeerMessage m : messages) {
        h.accept(m);
      }
    } finally {
      delivering.decrementAndGet();
    }
  }

  /** One inbound stream; gRPC serializes its callbacks. */
  private final class Stream implements StreamObserver<PeerFrame> {
    private final ServerCallStreamObserver<Welcome> responses;
    private final byte[] challenge;
    private final PeerCertificates.Claim certificate;
    private volatile int peer; // 0 until the handshake is accepted
    private boolean closed;
    private ScheduledFuture<?> helloDeadline;

    Stream(
        ServerCallStreamObserver<Welcome> responses,
        byte[] challenge,
        PeerCertificates.Claim certificate) {
      this.responses = responses;
      this.challenge = challenge;
      this.certificate = certificate;
      responses.setOnCancelHandler(this::cancelled);
    }

    private void cancelled() {
      synchronized (this) {
        closed = true;
        if (helloDeadline != null) {
          helloDeadline.cancel(false);
        }
      }
      forget();
    }

    /** Send the challenge (with a cluster secret) and start the clock for the Hello. */
    void challenge() {
      synchronized (this) {
        if (handshake.hasSecret()) {
          responses.onNext(handshake.challenge(challenge));
        }
        try {
          helloDeadline =
              timer.schedule(this::helloTimedOut, helloTimeoutNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
          // the server is closing, and closes this stream too
        }
      }
    }

    private void helloTimedOut() {
      if (peer == 0 && !isClosed()) {
        refused.incrementAndGet();
        String why = "no Hello within " + Duration.ofNanos(helloTimeoutNanos).toMillis() + " ms";
        refusals.event("node " + localId + " closes peer streams that sent no Hello", why);
        close(Status.DEADLINE_EXCEEDED.withDescription("closed by node " + localId + ": " + why));
      }
    }

    private void forget() {
      open.remove(this);
      int p = peer;
      if (p != 0) {
        connected.remove(p, this);
      }
    }

    @Override
    public void onNext(PeerFrame frame) {
      if (isClosed()) {
        return;
      }
      if (peer == 0) {
        if (!handshake(frame)) {
          return;
        }
      } else if (frame.hasHello()) {
        malformed.incrementAndGet();
        close(Status.INVALID_ARGUMENT.withDescription("a second Hello on one stream"));
        return;
      }
      List<PeerMessage> messages = new ArrayList<>(frame.getMessagesCount());
      try {
        for (Envelope e : frame.getMessagesList()) {
          if (!MessageCodec.isNewerMessage(e)) {
            PeerMessage m = MessageCodec.decode(e, peer);
            Optional<String> outOfBounds = PeerMessageBounds.malformed(m);
            if (outOfBounds.isPresent()) {
              throw new WireFormatException("out of bounds: " + outOfBounds.get());
            }
            messages.add(m);
          }
        }
      } catch (WireFormatException e) {
        malformed.incrementAndGet();
        refusals.event(
            "node " + localId + " closes streams from node " + peer + " on an invalid message",
            e.getMessage());
        close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        return;
      }
      deliver(messages);
    }

    private boolean handshake(PeerFrame frame) {
      PeerHandshake.Refusal refusal =
          frame.hasHello()
              ? handshake.check(frame.getHello(), challenge, certificate)
              : new PeerHandshake.Refusal(
                  Status.Code.PERMISSION_DENIED, "its first frame carries no Hello");
      if (refusal == null) {
        refusal = claim(frame.getHello().getNodeId());
      }
      if (refusal != null) {
        refused.incrementAndGet();
        int claimed = frame.getHello().getNodeId();
        refusals.event(
            "node "
                + localId
                + " refuses peer streams "
                + (claimed != 0 && claimed <= Member.MAX_ID
                    ? "claiming node " + claimed
                    : "without a valid node id")
                + " ("
                + refusal.code()
                + ")",
            refusal.why());
        close(refusal.status(localId));
        return false;
      }
      synchronized (this) {
        if (helloDeadline != null) {
          helloDeadline.cancel(false);
        }
        responses.onNext(handshake.welcome(frame.getHello(), challenge));
      }
      return true;
    }

    /**
     * Make this the stream of node {@code id}: refused if another stream of {@code id} is open and
     * this one is not authenticated; an authenticated stream replaces the older one.
     */
    private PeerHandshake.Refusal claim(int id) {
      Stream older;
      synchronized (connected) {
        older = connected.get(id);
        if (older != null && older.isClosed()) {
          older = null;
        }
        if (older != null && !handshake.authenticates()) {
          return new PeerHandshake.Refusal(
              Status.Code.ALREADY_EXISTS,
              "node "
                  + id
                  + " is already connected, and peers are not authenticated here (configure"
                  + " mutual TLS or a cluster secret to let a restarted peer replace its stream)");
        }
        peer = id;
        connected.put(id, this);
      }
      if (older != null) {
        log.info(
            "node {}: a new authenticated stream from node {} replaces its older one", localId, id);
        older.close(
            Status.ABORTED.withDescription(
                "replaced by a newer authenticated stream from node " + id));
      }
      return null;
    }

    @Override
    public void onError(Throwable t) {
      forget();
      log.debug("node {}: stream from node {} ended: {}", localId, peer, t.toString());
    }

    @Override
    public void onCompleted() {
      close(Status.OK);
    }

    private synchronized boolean isClosed() {
      return closed;
    }

    synchronized void close(Status status) {
      forget();
      if (helloDeadline != null) {
        helloDeadline.cancel(false);
      }
      if (closed) {
        return;
      }
      closed = true;
      ServerStreams.end(responses, status);
    }
  }
}
