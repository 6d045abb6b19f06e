package io.paxos.grpc;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.transport.PeerObserver;
import io.paxos.core.transport.Transport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.RejectedExecutionException;
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
 * <p><b>Connections.</b> A stream opens with a handshake naming the cluster, this node, the peer,
 * the fingerprint of the membership and its epoch, and answering the peer's challenge (with a proof
 * of the server's {@link ClusterSecret}, if it has one; see {@link PeerHandshake}). A stream that
 * fails (peer down, refused handshake) is opened again after an exponential backoff with jitter;
 * what was queued for the peer is dropped when its stream fails.
 *
 * <p><b>Membership changes.</b> {@link #membershipChanged} makes the peers follow the node's epochs
 * (docs/membership.md, "Transport"): it opens a stream to each member new in the epoch's
 * configuration, at the member's {@link Member#address()} if it has one, else at the address this
 * transport was built with (a member with neither is logged once and not reached); it moves the
 * stream of a member whose address changed; and it closes the stream of a node no longer a member
 * after {@link Builder#removedPeerGrace}, so that what was queued for it (the ended epoch's last
 * commit point, catch-up replies) can still leave. The server's handshake and client service follow
 * the same configuration.
 *
 * <p><b>Threading.</b> {@link #send} and {@link #flush} never block and may be called from any
 * thread (the runtime calls them from its event loop); they read an immutable map of the links,
 * which a membership change replaces as a whole (copy on write). {@link #membershipChanged} does
 * not block either: it builds the new map under a lock that only membership changes and the closing
 * of removed links take, and leaves connecting and closing to the sender thread. The inbound
 * handler is called on gRPC's network threads and never after {@link #close()} returns.
 */
public final class GrpcTransport implements Transport {
  private static final Logger log = LoggerFactory.getLogger(GrpcTransport.class);
  private static final long LINGER_MS = 5;

  /**
   * How long the stream to a removed node stays open by default: long enough for what was queued to
   * leave and for a few reconnections at the longest default backoff.
   */
  public static final Duration DEFAULT_REMOVED_PEER_GRACE = Duration.ofSeconds(10);

  private final PaxosServer server;
  private final int localId;
  private final MemberEndpoints endpoints;
  private final PeerLink.Settings settings;
  private final long removedPeerGraceNanos;
  private final ScheduledThreadPoolExecutor sender;
  private final AtomicLong droppedUnknown = new AtomicLong();
  private final AtomicLong retiredDropped = new AtomicLong();
  private final AtomicLong retiredSent = new AtomicLong();
  private volatile Links links;
  private volatile Map<Integer, Endpoint> addresses;
  private volatile PeerObserver observer = new PeerObserver() {};
  private volatile boolean closed;

  // Under lock only: membership changes, the closing of removed links, start and close.
  private final Object lock = new Object();
  private final SplittableRandom random;
  private final Map<Integer, Object> retiring = new HashMap<>(); // id -> its pending retirement
  private final List<PeerLink> retired = new ArrayList<>(); // closed, awaited at close() if needed
  private int epoch;
  private boolean started;

  /** The links by peer id and as an array, for {@link #flush} to walk without an iterator. */
  private record Links(Map<Integer, PeerLink> byId, PeerLink[] all) {
    static Links of(Map<Integer, PeerLink> byId) {
      return new Links(Map.copyOf(byId), byId.values().toArray(new PeerLink[0]));
    }
  }

  private GrpcTransport(Builder b) {
    this.server = b.server;
    this.localId = server.nodeId();
    this.endpoints = new MemberEndpoints(localId, b.peers);
    this.removedPeerGraceNanos = b.removedPeerGrace.toNanos();
    this.sender = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "paxos-grpc-send-" + localId));
    sender.setRemoveOnCancelPolicy(true);
    sender.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.settings =
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
    this.random = new SplittableRandom(b.seed);
    ClusterConfig config = server.peerHandshake().config();
    this.epoch = server.peerHandshake().epoch();
    Map<Integer, Endpoint> resolved = endpoints.of(config);
    Map<Integer, PeerLink> byId = new TreeMap<>();
    for (Map.Entry<Integer, Endpoint> e : resolved.entrySet()) {
      if (e.getKey() != localId) {
        byId.put(e.getKey(), newLink(e.getKey(), e.getValue()));
      }
    }
    this.links = Links.of(byId);
    this.addresses = Map.copyOf(resolved);
    server.clientService().addresses(addresses);
  }

  private PeerLink newLink(int id, Endpoint at) {
    PeerLink link = new PeerLink(id, at, settings, sender, random.split());
    link.observer(observer);
    return link;
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
    synchronized (lock) {
      this.observer = observer;
      for (PeerLink link : links.all()) {
        link.observer(observer);
      }
    }
  }

  /** Every current member's address as {@code host:port}, this node's own included if known. */
  @Override
  public Map<Integer, String> memberAddresses() {
    Map<Integer, String> all = new TreeMap<>();
    addresses.forEach((id, endpoint) -> all.put(id, endpoint.toString()));
    return all;
  }

  /**
   * Follow the node into epoch {@code epoch} with configuration {@code config} (see the class
   * comment, "Membership changes"). Never blocks, never throws: a configuration of another cluster
   * is logged and ignored, as is an epoch below the current one.
   */
  @Override
  public void membershipChanged(ClusterConfig config, int epoch) {
    if (config == null) {
      log.error(
          "node {} ignores a membership change to epoch {} without a configuration",
          localId,
          epoch);
      return;
    }
    if (!config.clusterId().equals(server.peerHandshake().config().clusterId())) {
      log.error(
          "node {} ignores a membership of cluster {}: it is a node of {}",
          localId,
          config.clusterId(),
          server.peerHandshake().config().clusterId());
      return;
    }
    synchronized (lock) {
      if (closed || epoch < this.epoch) {
        return;
      }
      this.epoch = epoch;
      Map<Integer, Endpoint> resolved = endpoints.of(config);
      Map<Integer, PeerLink> next = new TreeMap<>(links.byId());
      List<PeerLink> replaced = new ArrayList<>();
      List<PeerLink> opened = new ArrayList<>();
      for (Member m : config.members()) {
        int id = m.id();
        if (id == localId) {
          continue;
        }
        retiring.remove(id); // a node added back within its grace keeps its link
        Endpoint at = resolved.get(id);
        if (at == null) {
          continue; // an old link, if any, keeps the address it had
        }
        PeerLink old = next.get(id);
        if (old == null || !old.endpoint().equals(at)) {
          PeerLink link = newLink(id, at);
          next.put(id, link);
          opened.add(link);
          if (old != null) {
            replaced.add(old);
          }
        }
      }
      for (int id : next.keySet()) {
        if (!config.contains(id) && !retiring.containsKey(id)) {
          Object token = new Object();
          retiring.put(id, token);
          schedule(() -> retire(id, token), removedPeerGraceNanos);
        }
      }
      links = Links.of(next);
      addresses = Map.copyOf(resolved);
      server.membershipChanged(config, epoch, addresses);
      for (PeerLink old : replaced) {
        retireNow(old);
      }
      if (started) {
        for (PeerLink link : opened) {
          link.start();
        }
      }
      log.info(
          "node {} follows membership epoch {}: peers {}{}",
          localId,
          epoch,
          next.keySet(),
          retiring.isEmpty() ? "" : ", closing " + retiring.keySet() + " after the grace");
    }
  }

  /** After its grace: close the link to node {@code id}, unless it was added back since. */
  private void retire(int id, Object token) {
    synchronized (lock) {
      if (closed || !retiring.remove(id, token)) {
        return;
      }
      PeerLink link = links.byId().get(id);
      if (link == null) {
        return;
      }
      Map<Integer, PeerLink> next = new TreeMap<>(links.byId());
      next.remove(id);
      links = Links.of(next);
      retireNow(link);
      log.info("node {} closed its stream to node {}, no longer a member", localId, id);
    }
  }

  /** Under the lock: close {@code link}, which is no longer in {@link #links}. */
  private void retireNow(PeerLink link) {
    link.close();
    retired.removeIf(PeerLink::isTerminated); // bounded over many changes
    retired.add(link);
    retiredDropped.addAndGet(link.dropped());
    retiredSent.addAndGet(link.sent());
  }

  private void schedule(Runnable task, long delayNanos) {
    try {
      sender.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * {@return the ids of the peers this transport has a link to now (a removed one until its grace
   * ends)}
   */
  Set<Integer> linkedPeers() {
    return new TreeSet<>(links.byId().keySet());
  }

  /** {@return the ids of the removed peers whose links close when their grace ends} */
  Set<Integer> closingPeers() {
    synchronized (lock) {
      return new TreeSet<>(retiring.keySet());
    }
  }

  /** {@return the link to node {@code id}, if any} */
  Optional<PeerLink> link(int id) {
    return Optional.ofNullable(links.byId().get(id));
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
    synchronized (lock) {
      started = true;
      for (PeerLink link : links.all()) {
        link.start();
      }
    }
    // Messages leave within a few milliseconds even if nobody calls flush().
    sender.scheduleWithFixedDelay(this::flush, LINGER_MS, LINGER_MS, TimeUnit.MILLISECONDS);
  }

  @Override
  public void send(int to, PeerMessage message) {
    PeerLink link = links.byId().get(to);
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
    for (PeerLink link : links.all()) {
      link.flush();
    }
  }

  /**
   * {@return the address of every current member this transport knows, this node's own included if
   * known}
   */
  public Map<Integer, Endpoint> addresses() {
    return addresses;
  }

  /**
   * {@return the messages dropped so far: queue full, peer's stream failed, unknown destination, or
   * closed}
   */
  public long dropped() {
    long total = droppedUnknown.get() + retiredDropped.get();
    for (PeerLink link : links.all()) {
      total += link.dropped();
    }
    return total;
  }

  /** {@return the messages handed to gRPC for sending so far} */
  public long sent() {
    long total = retiredSent.get();
    for (PeerLink link : links.all()) {
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
    List<PeerLink> all = new ArrayList<>();
    synchronized (lock) {
      closed = true;
      all.addAll(List.of(links.all()));
      all.addAll(retired);
    }
    server.nodeStopped(); // the node closes its transport when it stops, also on a failure
    server.peerInbound().stop();
    for (PeerLink link : all) {
      link.close();
    }
    sender.shutdown(); // runs the links' closing tasks, drops pending timers
    try {
      sender.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (PeerLink link : all) {
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
    private Duration removedPeerGrace = DEFAULT_REMOVED_PEER_GRACE;
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
     *     present, unless the configuration gives its {@link Member#address()} (which wins)
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
     * Sets how long the stream to a node that a membership change removed stays open, so that what
     * is queued for it (the ended epoch's last commit point, catch-up replies) can leave; {@link
     * #DEFAULT_REMOVED_PEER_GRACE} by default. A node added back within it keeps its stream.
     *
     * @param grace zero (close at once, dropping what is queued) or positive
     * @return this builder
     */
    public Builder removedPeerGrace(Duration grace) {
      if (grace.isNegative()) {
        throw new IllegalArgumentException("removedPeerGrace must not be negative, was " + grace);
      }
      this.removedPeerGrace = grace;
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
     * @throws IllegalArgumentException if a member other than this node has no address (in {@link
     *     #peers} or as its {@link Member#address()}), or {@link #peers} names a node that is
     *     neither a member nor this node
     */
    public GrpcTransport build() {
      if (server == null) {
        throw new IllegalStateException("server(...) is required: it receives the peers' streams");
      }
      ClusterConfig config = server.config();
      for (Member m : config.members()) {
        if (m.id() != server.nodeId() && !peers.containsKey(m.id()) && m.address().isEmpty()) {
          throw new IllegalArgumentException(
              "peers(...) has no address for member "
                  + m.id()
                  + " of "
                  + config.clusterId()
                  + ", nor does the configuration");
        }
      }
      for (int id : peers.keySet()) {
        if (!config.contains(id) && id != server.nodeId()) {
          throw new IllegalArgumentException(
              "peers(...) names node " + id + ", which is not a member of " + config.clusterId());
        }
      }
      return new GrpcTransport(this);
    }
  }
}
