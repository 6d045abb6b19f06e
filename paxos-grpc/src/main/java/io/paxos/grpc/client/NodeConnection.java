package io.paxos.grpc.client;

import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.StreamObserver;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ChangeMembershipReply;
import io.paxos.grpc.proto.ChangeMembershipRequest;
import io.paxos.grpc.proto.ClientFrame;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ClientRequest;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import io.paxos.grpc.proto.ServerFrame;
import io.paxos.grpc.proto.StatusReply;
import io.paxos.grpc.proto.StatusRequest;
import java.util.ArrayDeque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The client's connection to one node: a channel and one session stream that carries requests in
 * frames and brings replies back. Loop thread only; gRPC's callbacks hand over to the loop.
 */
final class NodeConnection {
  private static final int MAX_REQUESTS_PER_FRAME = 1024;

  /**
   * The most request bytes in one frame (a larger request travels alone): far below a server's
   * inbound limit, whatever the size of the requests queued.
   */
  static final int MAX_FRAME_BYTES = 1 << 20;

  /** What the connection reports to the engine, on the loop thread. */
  interface Listener {
    void onReply(NodeConnection from, ClientReply reply, Call call);

    void onSessionEnded(NodeConnection from, Status status, Iterable<Call> unanswered);
  }

  final Endpoint endpoint;
  private final ClientLoop loop;
  private final ChannelCredentials credentials;
  private final Listener listener;
  private final ArrayDeque<ClientRequest> outbound = new ArrayDeque<>();
  private final Map<Long, Call> awaiting = new HashMap<>();
  private ManagedChannel channel;
  private ClientCallStreamObserver<ClientFrame> session;

  /** The node's reachability: failures in a row, and when it may be tried again. */
  int failures;

  /** Whether a connection to the node was ever established (so a request may have reached it). */
  boolean everConnected;

  long downUntilNanos;

  /** When the node last answered a call (a result or an error), in {@code System.nanoTime()}. */
  long lastAnswerNanos;

  /**
   * The roles the node is taken to host: all of them until a status reply or a refused read says
   * otherwise. Reads go only to nodes taken to host a learner.
   */
  Set<Role> roles = EnumSet.allOf(Role.class);

  NodeConnection(
      Endpoint endpoint, ClientLoop loop, ChannelCredentials credentials, Listener listener) {
    this.endpoint = endpoint;
    this.loop = loop;
    this.credentials = credentials;
    this.listener = listener;
  }

  /**
   * Whether the channel is connected now (any thread: read straight from the channel, so it is true
   * as soon as a request can leave, before {@link #everConnected} is set on the loop).
   */
  boolean isReady() {
    ManagedChannel ch = channel;
    return ch != null && ch.getState(false) == ConnectivityState.READY;
  }

  boolean isDown(long nowNanos) {
    return nowNanos - downUntilNanos < 0;
  }

  /** Queue {@code request} (an attempt of {@code call}); it leaves at the end of the burst. */
  void send(ClientRequest request, Call call) {
    awaiting.put(request.getCallId(), call);
    outbound.add(request);
  }

  /** The requests queued and not sent yet (for tests). */
  java.util.List<ClientRequest> queued() {
    return java.util.List.copyOf(outbound);
  }

  /** Send queued requests as far as flow control allows. */
  void flush() {
    if (outbound.isEmpty()) {
      return;
    }
    if (session == null) {
      open();
    }
    ClientCallStreamObserver<ClientFrame> s = session;
    while (!outbound.isEmpty() && s.isReady()) {
      ClientFrame.Builder frame = ClientFrame.newBuilder();
      long bytes = 0;
      ClientRequest r;
      while (frame.getRequestsCount() < MAX_REQUESTS_PER_FRAME && (r = outbound.peek()) != null) {
        int size = r.getSerializedSize() + 6;
        if (frame.getRequestsCount() > 0 && bytes + size > MAX_FRAME_BYTES) {
          break;
        }
        outbound.poll();
        frame.addRequests(r);
        bytes += size;
      }
      s.onNext(frame.build());
    }
  }

  private ManagedChannel channel() {
    if (channel == null) {
      channel =
          Grpc.newChannelBuilderForAddress(endpoint.host(), endpoint.port(), credentials)
              .directExecutor()
              .keepAliveTime(10, TimeUnit.SECONDS)
              .keepAliveTimeout(5, TimeUnit.SECONDS)
              .disableRetry()
              // Replies come in frames of at most ClientSession.MAX_FRAME_BYTES, but one read's
              // result may be larger: accept what a server accepts by default.
              .maxInboundMessageSize(io.paxos.grpc.PaxosServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES)
              .build();
      watch(channel, ConnectivityState.IDLE);
    }
    return channel;
  }

  /** Note on the loop when {@code ch} first becomes ready. */
  private void watch(ManagedChannel ch, ConnectivityState last) {
    ch.notifyWhenStateChanged(
        last,
        () -> {
          ConnectivityState now = ch.getState(false);
          if (now == ConnectivityState.READY) {
            loop.execute(() -> everConnected = true);
          } else if (now != ConnectivityState.SHUTDOWN) {
            watch(ch, now);
          }
        });
  }

  private void open() {
    Replies replies = new Replies();
    PaxosClientServiceGrpc.newStub(channel()).session(replies);
    session = replies.requests;
  }

  /** Ask the node for its status; {@code done} gets the reply or the error, on the loop. */
  void status(long timeoutMillis, BiConsumer<StatusReply, Throwable> done) {
    PaxosClientServiceGrpc.newStub(channel())
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .status(
            StatusRequest.getDefaultInstance(),
            new StreamObserver<>() {
              @Override
              public void onNext(StatusReply reply) {
                loop.execute(() -> done.accept(reply, null));
              }

              @Override
              public void onError(Throwable t) {
                loop.execute(() -> done.accept(null, t));
              }

              @Override
              public void onCompleted() {}
            });
  }

  /**
   * Ask the node to change the membership; {@code done} gets the reply or the error, on the loop.
   */
  void changeMembership(
      ChangeMembershipRequest request,
      long timeoutMillis,
      BiConsumer<ChangeMembershipReply, Throwable> done) {
    PaxosClientServiceGrpc.newStub(channel())
        .withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
        .changeMembership(
            request,
            new StreamObserver<>() {
              @Override
              public void onNext(ChangeMembershipReply reply) {
                loop.execute(() -> done.accept(reply, null));
              }

              @Override
              public void onError(Throwable t) {
                loop.execute(() -> done.accept(null, t));
              }

              @Override
              public void onCompleted() {}
            });
  }

  private void ended(ClientCallStreamObserver<ClientFrame> which, Status status) {
    if (session != which) {
      return;
    }
    session = null;
    outbound.clear();
    Map<Long, Call> lost = new HashMap<>(awaiting);
    awaiting.clear();
    listener.onSessionEnded(this, status, lost.values());
  }

  private void replies(ServerFrame frame) {
    for (ClientReply reply : frame.getRepliesList()) {
      Call call = awaiting.remove(reply.getCallId());
      if (call != null) {
        listener.onReply(this, reply, call);
      }
    }
  }

  void close() {
    if (session != null) {
      session.cancel("client closed", null);
      session = null;
    }
    if (channel != null) {
      channel.shutdownNow();
    }
  }

  void awaitClosed() throws InterruptedException {
    if (channel != null) {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  /** gRPC's callbacks for one session stream; they run on gRPC's threads and hand over. */
  private final class Replies implements ClientResponseObserver<ClientFrame, ServerFrame> {
    private ClientCallStreamObserver<ClientFrame> requests;

    @Override
    public void beforeStart(ClientCallStreamObserver<ClientFrame> requestStream) {
      requests = requestStream;
      requestStream.setOnReadyHandler(() -> loop.execute(NodeConnection.this::flush));
    }

    @Override
    public void onNext(ServerFrame frame) {
      loop.execute(() -> replies(frame));
    }

    @Override
    public void onError(Throwable t) {
      loop.execute(() -> ended(requests, Status.fromThrowable(t)));
    }

    @Override
    public void onCompleted() {
      loop.execute(() -> ended(requests, Status.UNAVAILABLE.withDescription("session ended")));
    }
  }
}
