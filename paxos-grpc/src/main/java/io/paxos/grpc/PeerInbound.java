package io.paxos.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Message;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.Hello;
import io.paxos.grpc.proto.PaxosPeerGrpc;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.SchemaVersion;
import io.paxos.grpc.proto.Welcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The receiving side of peer streams: checks each stream's handshake, decodes its frames and hands
 * the messages to the node's inbound handler.
 *
 * <p>A stream whose {@link Hello} names another cluster, a node that is not a member, this node
 * itself, another target or an unknown schema version is refused with an error status and logged; a
 * frame that does not decode closes its stream. A message of a type added to the schema after this
 * build is skipped (the schema's compatibility rule: new messages that old nodes may ignore). The
 * node goes on serving every other stream.
 *
 * <p><b>Threading.</b> gRPC calls the stream callbacks on its network threads (the server runs with
 * a direct executor), one callback at a time per stream; they only decode and call the handler,
 * which must not block. {@link #start} and {@link #stop} may be called from any thread; the handler
 * is never called after {@link #stop} returns.
 */
final class PeerInbound extends PaxosPeerGrpc.PaxosPeerImplBase {
  private static final Logger log = LoggerFactory.getLogger(PeerInbound.class);

  private final ClusterConfig config;
  private final int localId;
  private final Set<Stream> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger delivering = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();
  private volatile Consumer<Message> handler;
  private volatile boolean stopped;

  PeerInbound(ClusterConfig config, int localId) {
    this.config = config;
    this.localId = localId;
  }

  /** Deliver every message received from now on to {@code inbound}. */
  void start(Consumer<Message> inbound) {
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

  /** Streams refused at their handshake. */
  long refused() {
    return refused.get();
  }

  /** Streams closed because a frame did not decode. */
  long malformed() {
    return malformed.get();
  }

  @Override
  public StreamObserver<PeerFrame> connect(StreamObserver<Welcome> responses) {
    Stream stream = new Stream((ServerCallStreamObserver<Welcome>) responses);
    if (stopped) {
      stream.close(Status.UNAVAILABLE.withDescription("node " + localId + " is closing"));
    } else {
      open.add(stream);
    }
    return stream;
  }

  /** Why {@code hello} is refused, or null if it is acceptable. */
  private String refusal(Hello hello) {
    if (hello.getSchemaVersion() != SchemaVersion.SCHEMA_VERSION_1) {
      return "schema version " + hello.getSchemaVersionValue() + " is not spoken here (1 is)";
    }
    if (!hello.getClusterId().equals(config.clusterId())) {
      return "it belongs to cluster '"
          + hello.getClusterId()
          + "', this node to '"
          + config.clusterId()
          + "'";
    }
    if (!config.contains(hello.getNodeId())) {
      return "node " + hello.getNodeId() + " is not a member of cluster " + config.clusterId();
    }
    if (hello.getNodeId() == localId) {
      return "it claims this node's own id " + localId;
    }
    if (hello.getTargetNodeId() != localId) {
      return "it is meant for node " + hello.getTargetNodeId() + ", this is node " + localId;
    }
    return null;
  }

  private void deliver(List<Message> messages) {
    delivering.incrementAndGet();
    try {
      Consumer<Message> h = handler;
      if (stopped || h == null) {
        return; // not started yet, or closed: dropped, the protocol retransmits
      }
      for (Message m : messages) {
        h.accept(m);
      }
    } finally {
      delivering.decrementAndGet();
    }
  }

  /** One inbound stream; gRPC serializes its callbacks. */
  private final class Stream implements StreamObserver<PeerFrame> {
    private final ServerCallStreamObserver<Welcome> responses;
    private int peer; // 0 until the handshake is accepted
    private boolean closed;

    Stream(ServerCallStreamObserver<Welcome> responses) {
      this.responses = responses;
      responses.setOnCancelHandler(() -> open.remove(this));
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
      List<Message> messages = new ArrayList<>(frame.getMessagesCount());
      try {
        for (Envelope e : frame.getMessagesList()) {
          if (!MessageCodec.isNewerMessage(e)) {
            messages.add(MessageCodec.decode(e, peer));
          }
        }
      } catch (WireFormatException e) {
        malformed.incrementAndGet();
        log.warn("node {}: closing the stream from node {}: {}", localId, peer, e.getMessage());
        close(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        return;
      }
      deliver(messages);
    }

    private boolean handshake(PeerFrame frame) {
      String why =
          frame.hasHello() ? refusal(frame.getHello()) : "its first frame carries no Hello";
      if (why != null) {
        refused.incrementAndGet();
        log.warn("node {} refuses a peer stream: {}", localId, why);
        close(Status.PERMISSION_DENIED.withDescription("refused by node " + localId + ": " + why));
        return false;
      }
      peer = frame.getHello().getNodeId();
      synchronized (this) {
        responses.onNext(
            Welcome.newBuilder()
                .setSchemaVersion(SchemaVersion.SCHEMA_VERSION_1)
                .setNodeId(localId)
                .build());
      }
      return true;
    }

    @Override
    public void onError(Throwable t) {
      open.remove(this);
      log.debug("node {}: stream from node {} ended: {}", localId, peer, t.toString());
    }

    @Override
    public void onCompleted() {
      open.remove(this);
      close(Status.OK);
    }

    private synchronized boolean isClosed() {
      return closed;
    }

    synchronized void close(Status status) {
      open.remove(this);
      if (closed) {
        return;
      }
      closed = true;
      ServerStreams.end(responses, status);
    }
  }
}
