package io.paxos.grpc;

import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.transport.PeerObserver;
import io.paxos.core.transport.Transport;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} over gRPC: one long-lived stream to each peer, carrying many protocol
 * messages per frame. Inbound streams arrive at the node's {@link PaxosServer}.
 *
 * <p><b>Sending.</b> {@link #send} only appends to the peer's bounded queue; a message that finds
 * the queue full is dropped and counted ({@link #dropped()}), since the protocol retransmits what
 * matters. One sender thread per transport drains the queues, encoding everything queued for a peer
 * into frames of up to {@link Builder#maxFrameBytes}, as far as gRPC flow control lets it: a peer
 * that stops reading fills its own queue and nobody else's. {@link #flush} wakes the sender;
 * without it, queued messages leave within a few milliseconds all the same.
 *
 * <p><b>Connections.</b> A stream opens with a handshake naming the cluster, this node, the peer
 * and the fingerprint of the membership, and answering the peer's challenge (with a proof of the
 * server's {@link ClusterSecret}, if it has one; see {@link PeerHandshake}). A stream that fails
 * (peer down, refused handshake) is opened again after an exponential backoff with jitter; what was
 * queued for the peer is dropped when its stream fails.
 *
 * <p><b>Threading.</b> {@link #send} and {@link #flush} never block and may be called from any
 * thread (the runtime calls them from its event loop). The inbound handler is called on gRPC's
 * network threads and never after {@link #close()} returns.
 */
public final class GrpcTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(GrpcTransport.class);
  private static final long LINGER_MS = 5;

  private final PaxosServer server;
  private final int localId;
  private final Map<Integer, PeerLink> links = new TreeMap<>();
  private final Map<Integer, Endpoint> addresses;
  private final ScheduledThreadPoolExecutor sender;
  private final AtomicLong droppedUnknown = new AtomicLong();
  private volatile boolean closed;

  private GrpcTransport(Builder b) {
    this.server = b.server;
    this.localId = server.nodeId();
    this.addresses = Map.copyOf(b.peers);
    server.clientService().addresses(addresses);
    this.sender = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "paxos-grpc-send-" + localId));
    sender.setRemoveOnCancelPolicy(true);
    sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    PeerLink.Settings settings =
        new PeerLink.Settings(
            server.peerHandshake(),
            localId,
            b.tls.or(server::tls),
            b.queueCapacity,
            // A frame of many messages must not exceed what a peer accepts either.
            Math.min(b.maxFrameBytes, server.maxInboundMessageBytes()),
            b.minBackoff.toNanos(),
            b.maxBackoff.toNanos(),
            server.limits().helloTimeout().toNanos(),
            server.maxInboundMessageBytes());
    SplittableRandom random = new SplittableRandom(b.seed);
    for (Map.Entry<Integer, Endpoint> e : new TreeMap<>(b.peers).entrySet()) {
      if (e.getKey() != localId) {
        links.put(
            e.getKey(), new PeerLink(e.getKey(), e.getValue(), settings, sender, random.split()));
      }
    }
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /**
   * {@return a builder for a transport} {@link Builder#server} and {@link Builder#peers} are
   * required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Report each peer's reachability (once per transition) and dropped messages to {@code observer}.
   */
  @Override
  public void observe(PeerObserver observer) {
    Objects.requireNonNull(observer, "observer");
    for (PeerLink link : links.values()) {
      link.observer(observer);
    }
  }

  /** Every member's address as {@code host:port}. */
  @Override
  public Map<Integer, String> memberAddresses() {
    Map<Integer, String> all = new TreeMap<>();
    addresses.forEach((id, endpoint) -> all.put(id, endpoint.toString()));
    return all;
  }

  /**
   * The server's {@link PaxosServer.Builder#maxInboundMessageBytes}: the members of a cluster are
   * configured alike, so what this node accepts is what its peers accept. A larger message is
   * dropped (and logged) rather than sent to be refused.
   */
  @Override
  public int maxMessageBytes() {
    return server.maxInboundMessageBytes();
  }

  @Override
  public void start(Consumer<PeerMessage> inbound) {
    server.peerInbound().start(Objects.requireNonNull(inbound, "inbound"));
    for (PeerLink link : links.values()) {
      link.start();
    }
    // Messages leave within a few milliseconds even if nobody calls flush().
    sender.scheduleWithFixedDelay(this::flush, LINGER_MS, LINGER_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void send(int to, PeerMessage message) {
    PeerLink link = links.get(to);
    if (link == null || closed) {
      droppedUnknown.incrementAndGet();
      return;
    }
    if (message.from() != localId) {
      // The receiver takes the sender from the stream's handshake; a relayed message would lie.
      droppedUnknown.incrementAndGet();
      log.warn("node {} drops {}: only its own messages can be sent", localId, message);
      return;
    }
    link.offer(message);
  }

  @Override
  public void flush() {
    if (closed) {
      return;
    }
    for (PeerLink link : links.values()) {
      link.flush();
    }
  }

  /**
   * {@return the address of every member this transport knows, this node's own included if given}
   */
  public Map<Integer, Endpoint> addresses() {
    return addresses;
  }

  /**
   * {@return the messages dropped so far: queue full, peer's stream failed, unknown destination, or
   * closed}
   */
  public long dropped() {
    long total = droppedUnknown.get();
    for (PeerLink link : links.values()) {
      total += link.dropped();
    }
    return total;
  }

  /** {@return the messages handed to gRPC for sending so far} */
  public long sent() {
    long total = 0;
    for (PeerLink link : links.values()) {
      total += link.sent();
    }
    return total;
  }

  /** Stop sending and receiving: inbound delivery stops first, then the streams close. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.nodeStopped(); // the node closes its transport when it stops, also on a failure
    server.peerInbound().stop();
    for (PeerLink link : links.values()) {
      link.close();
    }
    sender.shutdown(); // runs the links' closing tasks, drops pending timers
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (PeerLink link : links.values()) {
      link.awaitClosed();
    }
  }

  /** Settings of a {@link GrpcTransport}. */
  public static final class Builder {
    private PaxosServer server;
    private Map<Integer, Endpoint> peers = Map.of();
    private Optional<TlsConfig> tls = Optional.empty();
    private int queueCapacity = 16_384;
    private int maxFrameBytes = 4 << 20;
    private Duration minBackoff = Duration.ofMillis(20);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private long seed = System.nanoTime();

    private Builder() {}

    /**
     * Sets the node's server, which receives the peers' streams; it names this node and cluster.
     *
     * @param server the node's started server; not null
     * @return this builder
     */
    public Builder server(PaxosServer server) {
      this.server = Objects.requireNonNull(server, "server");
      return this;
    }

    /**
     * Sets the address of every member (this node's own may be included and is not used to send).
     *
     * @param peers the members' addresses by node id; every member other than this node must be
     *     present
     * @return this builder
     */
    public Builder peers(Map<Integer, Endpoint> peers) {
      this.peers = Map.copyOf(Objects.requireNonNull(peers, "peers"));
      return this;
    }

    /**
     * Sets TLS for connections to peers; defaults to the server's TLS settings (or plaintext).
     *
     * @param tls this node's certificate and the peers' trust anchors; not null
     * @return this builder
     */
    public Builder tls(TlsConfig tls) {
      this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
      return this;
    }

    /**
     * Sets the most messages queued for one peer; more are dropped.
     *
     * @param messages how many, at least 1; the queue is per peer
     * @return this builder
     */
    public Builder queueCapacity(int messages) {
      if (messages < 1) {
        throw new IllegalArgumentException("queueCapacity must be positive, was " + messages);
      }
      this.queueCapacity = messages;
      return this;
    }

    /**
     * Sets the largest frame sent (a message larger than this travels alone); keep it below the
     * peers' {@link PaxosServer.Builder#maxInboundMessageBytes}.
     *
     * @param bytes the frame size in bytes, at least 1024
     * @return this builder
     */
    public Builder maxFrameBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxFrameBytes " + bytes + " is below 1024");
      }
      this.maxFrameBytes = bytes;
      return this;
    }

    /**
     * Sets the first and the longest wait before a failed stream is opened again.
     *
     * @param min the first wait, positive
     * @param max the longest wait, at least {@code min}
     * @return this builder
     */
    public Builder backoff(Duration min, Duration max) {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("need 0 < min <= max, got " + min + " and " + max);
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /**
     * Sets the seed of the backoff jitter (tests make it reproducible).
     *
     * @param seed the seed; defaults to {@code System.nanoTime()}
     * @return this builder
     */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /**
     * {@return the transport, not yet started: the node starts it}
     *
     * @throws IllegalStateException if no server was given
     * @throws IllegalArgumentException if a member other than this node has no address
     */
    public GrpcTransport build() {
      if (server == null) {
        throw new IllegalStateException("server(...) is required: it receives the peers' streams");
      }
      for (int id : server.config().ids()) {
        if (id != server.nodeId() && !peers.containsKey(id)) {
          throw new IllegalArgumentException(
              "peers(...) has no address for member " + id + " of " + server.config().clusterId());
        }
      }
      for (int id : peers.keySet()) {
        if (!server.config().contains(id)) {
          throw new IllegalArgumentException(
              "peers(...) names node "
                  + id
                  + ", which is not a member of "
                  + server.config().clusterId());
        }
      }
      return new GrpcTransport(this);
    }
  }
}
