package io.paxos.grpc;

import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioEventLoopGroup;
import io.grpc.netty.shaded.io.netty.util.concurrent.DefaultThreadFactory;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.observe.RateLimitedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/**
 * The gRPC server of one node: one port serves both the peer streams of the {@link GrpcTransport}
 * and the client service that {@code PaxosClient}s use.
 *
 * <pre>{@code
 * PaxosServer server = PaxosServer.builder().config(config).nodeId(1).listen("0.0.0.0", 9001).start();
 * GrpcTransport transport = GrpcTransport.builder().server(server).peers(addresses).build();
 * PaxosNode node = PaxosNode.builder().config(config).nodeId(1).transport(transport)...build();
 * server.serve(node);
 * }</pre>
 *
 * <p>The server starts before the node exists so that port 0 (an ephemeral port, see {@link
 * #port()}) can be used: peer messages that arrive before the transport starts are dropped, and
 * clients are told the node is unavailable until {@link #serve} names it.
 *
 * <p>Standard gRPC tools work against the port: it serves gRPC health checking ({@code
 * grpc.health.v1.Health}: {@code SERVING} while the node it serves runs, {@code NOT_SERVING} before
 * {@link #serve}, once the node stopped on a failure or was closed, and while the server closes)
 * and server reflection (v1 and v1alpha), so {@code grpcurl} and {@code grpc_health_probe} need no
 * {@code .proto} file. Both are subject to the server's TLS settings like every other service.
 *
 * <p>Limits: an inbound message (one frame of many protocol messages, or of many client requests)
 * larger than {@link Builder#maxInboundMessageBytes} closes its stream, not the node. {@link
 * ConnectionLimits} bound the connections: how many, how long a handshake and a peer's Hello may
 * take, how long a connection may idle.
 *
 * <p>Peers: see {@link PeerHandshake} for what a peer stream must prove (under mutual TLS, a
 * certificate naming its node id; with a {@link ClusterSecret}, knowledge of the secret; always,
 * the same configuration fingerprint). In plaintext without a cluster secret, anyone who can reach
 * the port can claim to be any member.
 *
 * <p>Thread-safe. gRPC runs the services on its network threads (direct executor): every handler
 * only decodes and hands work to the node, which never blocks.
 */
public final class PaxosServer implements AutoCloseable {
  /** The default limit on one inbound frame. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  /** Peers and clients may ping as often as this to keep connections alive. */
  static final Duration PERMITTED_KEEPALIVE = Duration.ofSeconds(5);

  private final int nodeId;
  private final Optional<TlsConfig> tls;
  private final ConnectionLimits limits;
  private final int maxInboundMessageBytes;
  private final PeerHandshake handshake;
  private final ScheduledThreadPoolExecutor timer;
  private final PeerInbound peers;
  private final ClientService clients;
  private final NodeHealth health = new NodeHealth();
  private final CappedServerChannel.Counter connections;
  private final MalformedRequests malformed;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final Server server;

  private PaxosServer(Builder b) throws IOException {
    ClusterConfig config = b.config;
    this.nodeId = b.nodeId;
    this.tls = b.tls;
    this.limits = b.limits;
    this.maxInboundMessageBytes = b.maxInboundMessageBytes;
    this.handshake =
        new PeerHandshake(
            config,
            nodeId,
            b.secret,
            tls.map(TlsConfig::requiresClientCertificates).orElse(false),
            b.joining);
    this.timer = new ScheduledThreadPoolExecutor(1, new DefaultThreadFactory("paxos-timer", true));
    timer.setRemoveOnCancelPolicy(true);
    this.peers = new PeerInbound(nodeId, handshake, timer, limits.helloTimeout());
    this.clients = new ClientService(config, nodeId);
    this.connections =
        new CappedServerChannel.Counter(
            limits.maxConnections(),
            RateLimitedLog.warnings(LoggerFactory.getLogger(PaxosServer.class)));
    this.malformed =
        new MalformedRequests(RateLimitedLog.warnings(LoggerFactory.getLogger(PaxosServer.class)));
    NetworkLogs.install();
    this.boss = new NioEventLoopGroup(1, new DefaultThreadFactory("paxos-accept", true));
    this.workers = new NioEventLoopGroup(0, new DefaultThreadFactory("paxos-grpc", true));
    try {
      this.server =
          NettyServerBuilder.forAddress(
                  new InetSocketAddress(b.host, b.port), TlsConfig.serverCredentials(tls))
              .channelFactory(() -> new CappedServerChannel(connections))
              .bossEventLoopGroup(boss)
              .workerEventLoopGroup(workers)
              .directExecutor()
              .maxInboundMessageSize(b.maxInboundMessageBytes)
              .handshakeTimeout(limits.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .maxConnectionIdle(limits.maxConnectionIdle().toMillis(), TimeUnit.MILLISECONDS)
              .keepAliveTime(limits.keepAliveTime().toMillis(), TimeUnit.MILLISECONDS)
              .keepAliveTimeout(limits.keepAliveTimeout().toMillis(), TimeUnit.MILLISECONDS)
              .maxConcurrentCallsPerConnection(limits.maxCallsPerConnection())
              .permitKeepAliveTime(PERMITTED_KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS)
              .permitKeepAliveWithoutCalls(true)
              .addService(
                  malformed.guard(
                      ServerInterceptors.intercept(peers, PeerCertificates.interceptor())))
              .addService(malformed.guard(clients.bindService()))
              .addService(health.service())
              .addService(ProtoReflectionServiceV1.newInstance())
              .addService(v1alphaReflection())
              .build()
              .start();
    } catch (IOException | RuntimeException e) {
      stopThreads();
      throw e;
    }
  }

  private void stopThreads() {
    timer.shutdownNow();
    boss.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
  }

  /** Reflection as older tools ask for it (grpcurl before 1.8.8, many GUIs). */
  @SuppressWarnings("deprecation")
  private static BindableService v1alphaReflection() {
    return ProtoReflectionService.newInstance();
  }

  /**
   * {@return a builder for a server} {@link Builder#config}, {@link Builder#nodeId} and {@link
   * Builder#listen} are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return the port the server listens on (the ephemeral port chosen when built with port 0)} */
  public int port() {
    return server.getPort();
  }

  /** {@return the id of the node this server hosts} */
  public int nodeId() {
    return nodeId;
  }

  /**
   * {@return the largest inbound frame this server accepts (see {@link
   * Builder#maxInboundMessageBytes})}
   */
  public int maxInboundMessageBytes() {
    return maxInboundMessageBytes;
  }

  /**
   * {@return the configuration of the cluster this server's node belongs to: the one it was built
   * with, until the node's transport reports a membership change, then that epoch's}
   */
  public ClusterConfig config() {
    return handshake.config();
  }

  /** {@return the membership epoch of {@link #config()}: 0 until the membership changes} */
  public int epoch() {
    return handshake.epoch();
  }

  /**
   * The node moved to epoch {@code epoch} with configuration {@code config}, whose members are at
   * {@code addresses}: peers' handshakes and the client service follow it from now on. Called by
   * the node's {@link GrpcTransport}; never blocks.
   */
  void membershipChanged(ClusterConfig config, int epoch, Map<Integer, Endpoint> addresses) {
    if (handshake.update(config, epoch)) {
      clients.membership(config, addresses);
    }
  }

  Optional<TlsConfig> tls() {
    return tls;
  }

  PeerInbound peerInbound() {
    return peers;
  }

  PeerHandshake peerHandshake() {
    return handshake;
  }

  /** {@return the bounds on connections this server enforces} */
  public ConnectionLimits limits() {
    return limits;
  }

  /** {@return the connections open on the port now} */
  public int openConnections() {
    return connections.open();
  }

  /**
   * {@return the connections closed as soon as accepted because {@link
   * ConnectionLimits#maxConnections} were open, so far}
   */
  public long refusedConnections() {
    return connections.refused();
  }

  ClientService clientService() {
    return clients;
  }

  /**
   * {@return the client session streams open at this server now (a gauge for monitoring; any
   * thread)}
   */
  public int openClientSessions() {
    return clients.openSessions();
  }

  /**
   * Serve clients' commands, reads and status requests with {@code node}.
   *
   * @param node the started node this server hosts
   */
  public void serve(io.paxos.core.runtime.PaxosNode node) {
    clients.attach(node);
    health.serve(node);
  }

  /** The node this server serves stopped (its transport closed): health turns NOT_SERVING. */
  void nodeStopped() {
    health.nodeStopped();
  }

  /** {@return whether a gRPC health check of this server answers {@code SERVING} now} */
  public boolean isServing() {
    return health.status() == ServingStatus.SERVING;
  }

  /**
   * {@return the peer streams refused at their handshake (wrong cluster, unknown node, certificate,
   * secret or configuration, a member already connected) or closed for sending no Hello in time, so
   * far}
   */
  public long refusedPeerStreams() {
    return peers.refused();
  }

  /**
   * {@return the requests (peer frames or client calls) that did not parse, refused with
   * INVALID_ARGUMENT, so far}
   */
  public long malformedRequests() {
    return malformed.count();
  }

  /** {@return the peer streams closed because a frame did not decode, so far} */
  public long malformedPeerStreams() {
    return peers.malformed();
  }

  /** Stop listening and end every call; waits briefly for them to end. Idempotent. */
  @Override
  public void close() {
    health.close();
    peers.stop();
    clients.stop();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stopThreads();
  }

  /** Settings of a {@link PaxosServer}; {@link #start()} binds the port. */
  public static final class Builder {
    private ClusterConfig config;
    private int nodeId;
    private String host = "0.0.0.0";
    private int port = -1;
    private Optional<TlsConfig> tls = Optional.empty();
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;
    private Optional<ClusterSecret> secret = Optional.empty();
    private ConnectionLimits limits = ConnectionLimits.defaults();
    private boolean joining;

    private Builder() {}

    /**
     * Sets the cluster's configuration (required): peers are checked against it.
     *
     * @param config the configuration; not null
     * @return this builder
     */
    public Builder config(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets the id of the node this server hosts (required).
     *
     * @param nodeId a member of {@link #config}
     * @return this builder
     */
    public Builder nodeId(int nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets the address to bind: a local IP address ({@code 0.0.0.0} for all) and a port, 0 for any.
     *
     * @param host a local IP address or host name; {@code 0.0.0.0} for every interface
     * @param port the port, from 0 (an ephemeral one, see {@link PaxosServer#port()}) to {@link
     *     Endpoint#MAX_PORT}
     * @return this builder
     */
    public Builder listen(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      if (port < 0 || port > Endpoint.MAX_PORT) {
        throw new IllegalArgumentException(
            "port " + port + " is out of range 0.." + Endpoint.MAX_PORT);
      }
      this.port = port;
      return this;
    }

    /**
     * Serve TLS (or mutual TLS) instead of plaintext.
     *
     * @param tls the server's certificate and, for mutual TLS, the trusted client roots
     * @return this builder
     */
    public Builder tls(TlsConfig tls) {
      this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
      return this;
    }

    /**
     * Authenticate peer streams with a secret that every member shares (see {@link ClusterSecret});
     * the node's transport proves it to its peers in turn. Without it, and without mutual TLS,
     * anyone who can reach the port can claim to be any member.
     *
     * @param secret the cluster's shared secret
     * @return this builder
     */
    public Builder clusterSecret(ClusterSecret secret) {
      this.secret = Optional.of(Objects.requireNonNull(secret, "secret"));
      return this;
    }

    /**
     * Sets the bounds on connections; {@link ConnectionLimits#defaults()} by default.
     *
     * @param limits the bounds; not null
     * @return this builder
     */
    public Builder limits(ConnectionLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Sets the largest inbound frame; a larger one closes its stream. The node's {@code
     * ProtocolOptions.maxMessageBytes} must not exceed it (the node refuses to start otherwise), so
     * that no peer builds a message this server refuses.
     *
     * @param bytes the frame size in bytes, at least 1024
     * @return this builder
     */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxInboundMessageBytes " + bytes + " is below 1024");
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /**
     * Sets whether the node is started to join a cluster it is not yet a member of (false by
     * default). Its peer Hellos say so until the membership includes it, and its peers accept them
     * although it is not a member of their configuration (docs/membership.md, "Transport"); and
     * {@link #nodeId} need not be a member of {@link #config}.
     *
     * @param joining true for a node to be added to a running cluster
     * @return this builder
     */
    public Builder joining(boolean joining) {
      this.joining = joining;
      return this;
    }

    /**
     * Validate the settings and bind the port.
     *
     * @return the listening server, owned by the caller, who closes it
     * @throws IllegalStateException if {@link #config} or {@link #listen} was not given
     * @throws IllegalArgumentException if {@link #nodeId} is not a member (and the node is not
     *     {@link #joining}), or is out of range
     * @throws UncheckedIOException if the port cannot be bound
     */
    public PaxosServer start() {
      if (config == null) {
        throw new IllegalStateException("config(...) is required: the cluster's membership");
      }
      if (!joining && !config.contains(nodeId)) {
        throw new IllegalArgumentException(
            "node id "
                + nodeId
                + " is not a member of cluster "
                + config.clusterId()
                + " (start it with joining(true) to add it to a running cluster)");
      }
      if (nodeId < 1 || nodeId > Member.MAX_ID) {
        throw new IllegalArgumentException(
            "node id " + nodeId + " is out of range: use an id between 1 and " + Member.MAX_ID);
      }
      if (port < 0) {
        throw new IllegalStateException("listen(host, port) is required");
      }
      try {
        return new PaxosServer(this);
      } catch (IOException e) {
        throw new UncheckedIOException(
            "node " + nodeId + " cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
      }
    }
  }
}
