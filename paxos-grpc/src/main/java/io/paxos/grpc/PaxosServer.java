package io.paxos.grpc;

import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.paxos.core.config.ClusterConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
 * <p>Limits: an inbound message (one frame of many protocol messages, or of many client requests)
 * larger than {@link Builder#maxInboundMessageBytes} closes its stream, not the node.
 *
 * <p>Thread-safe. gRPC runs the services on its network threads (direct executor): every handler
 * only decodes and hands work to the node, which never blocks.
 */
public final class PaxosServer implements AutoCloseable {
  /** The default limit on one inbound frame. */
  public static final int DEFAULT_MAX_INBOUND_MESSAGE_BYTES = 64 << 20;

  private final ClusterConfig config;
  private final int nodeId;
  private final Optional<TlsConfig> tls;
  private final PeerInbound peers;
  private final ClientService clients;
  private final Server server;

  private PaxosServer(Builder b) throws IOException {
    this.config = b.config;
    this.nodeId = b.nodeId;
    this.tls = b.tls;
    this.peers = new PeerInbound(config, nodeId);
    this.clients = new ClientService(config, nodeId);
    this.server =
        NettyServerBuilder.forAddress(
                new InetSocketAddress(b.host, b.port), TlsConfig.serverCredentials(tls))
            .directExecutor()
            .maxInboundMessageSize(b.maxInboundMessageBytes)
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true)
            .addService(peers)
            .addService(clients)
            .build()
            .start();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The port the server listens on (the ephemeral port chosen when built with port 0). */
  public int port() {
    return server.getPort();
  }

  public int nodeId() {
    return nodeId;
  }

  public ClusterConfig config() {
    return config;
  }

  Optional<TlsConfig> tls() {
    return tls;
  }

  PeerInbound peerInbound() {
    return peers;
  }

  ClientService clientService() {
    return clients;
  }

  /** The client session streams open at this server now (a gauge for monitoring; any thread). */
  public int openClientSessions() {
    return clients.openSessions();
  }

  /** Serve clients' commands, reads and status requests with {@code node}. */
  public void serve(io.paxos.core.runtime.PaxosNode node) {
    clients.attach(node);
  }

  /** Peer streams refused at their handshake (wrong cluster, unknown node, ...). */
  public long refusedPeerStreams() {
    return peers.refused();
  }

  /** Peer streams closed because a frame did not decode. */
  public long malformedPeerStreams() {
    return peers.malformed();
  }

  /** Stop listening and end every call; waits briefly for them to end. Idempotent. */
  @Override
  public void close() {
    peers.stop();
    clients.stop();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Settings of a {@link PaxosServer}; {@link #start()} binds the port. */
  public static final class Builder {
    private ClusterConfig config;
    private int nodeId;
    private String host = "0.0.0.0";
    private int port = -1;
    private Optional<TlsConfig> tls = Optional.empty();
    private int maxInboundMessageBytes = DEFAULT_MAX_INBOUND_MESSAGE_BYTES;

    private Builder() {}

    public Builder config(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    public Builder nodeId(int nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /** The address to bind: a local IP address ({@code 0.0.0.0} for all) and a port, 0 for any. */
    public Builder listen(String host, int port) {
      this.host = Objects.requireNonNull(host, "host");
      if (port < 0 || port > Endpoint.MAX_PORT) {
        throw new IllegalArgumentException(
            "port " + port + " is out of range 0.." + Endpoint.MAX_PORT);
      }
      this.port = port;
      return this;
    }

    /** Serve TLS (or mutual TLS) instead of plaintext. */
    public Builder tls(TlsConfig tls) {
      this.tls = Optional.of(Objects.requireNonNull(tls, "tls"));
      return this;
    }

    /** The largest inbound frame; a larger one closes its stream. */
    public Builder maxInboundMessageBytes(int bytes) {
      if (bytes < 1024) {
        throw new IllegalArgumentException("maxInboundMessageBytes " + bytes + " is below 1024");
      }
      this.maxInboundMessageBytes = bytes;
      return this;
    }

    /**
     * Validate the settings and bind the port.
     *
     * @throws UncheckedIOException if the port cannot be bound
     */
    public PaxosServer start() {
      if (config == null) {
        throw new IllegalStateException("config(...) is required: the cluster's membership");
      }
      if (!config.contains(nodeId)) {
        throw new IllegalArgumentException(
            "node id " + nodeId + " is not a member of cluster " + config.clusterId());
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
