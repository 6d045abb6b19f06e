package io.paxos.grpc;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.paxos.grpc.proto.ClientFrame;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ServerFrame;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's session stream: requests arrive in frames and go to the node; replies are queued as
 * the node completes them and leave in frames, as far as the client reads them (flow control).
 *
 * <p>A client may have at most {@link #MAX_OUTSTANDING} requests without a reply; one more closes
 * the stream with {@code RESOURCE_EXHAUSTED}, which bounds the memory a client can make this node
 * hold.
 *
 * <p><b>Threading.</b> gRPC calls {@link #onNext} on its network thread; replies are added from the
 * node's threads; the service's writer thread alone writes to the stream.
 */
final class ClientSession implements StreamObserver<ClientFrame> {
  static final int MAX_OUTSTANDING = 16_384;
  private static final int MAX_REPLIES_PER_FRAME = 1024;

  /** The most reply bytes in one frame (a larger reply travels alone). */
  static final int MAX_FRAME_BYTES = 1 << 20;

  private final ClientService service;
  private final ServerCallStreamObserver<ServerFrame> responses;
  private final Executor writer;
  private final ConcurrentLinkedQueue<ClientReply> replies = new ConcurrentLinkedQueue<>();
  private final AtomicInteger outstanding = new AtomicInteger();
  private final AtomicBoolean scheduled = new AtomicBoolean();
  private volatile boolean closed;

  ClientSession(
      ClientService service, ServerCallStreamObserver<ServerFrame> responses, Executor writer) {
    this.service = service;
    this.responses = responses;
    this.writer = writer;
    responses.setOnReadyHandler(this::schedule);
    responses.setOnCancelHandler(this::cancelled);
  }

  @Override
  public void onNext(ClientFrame frame) {
    if (closed) {
      return;
    }
    if (outstanding.addAndGet(frame.getRequestsCount()) > MAX_OUTSTANDING) {
      close(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "more than " + MAX_OUTSTANDING + " requests without a reply on one session"));
      return;
    }
    service.handleAll(frame.getRequestsList(), this::reply);
  }

  /** Queue a reply for the writer thread. Any thread. */
  private void reply(ClientReply reply) {
    replies.add(reply);
    schedule();
  }

  private void schedule() {
    if (!closed && scheduled.compareAndSet(false, true)) {
      try {
        writer.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false); // the server is stopping
      }
    }
  }

  /** Writer thread: send queued replies while the client reads. */
  private void drain() {
    scheduled.set(false);
    while (!closed && !replies.isEmpty() && responses.isReady()) {
      ServerFrame.Builder frame = ServerFrame.newBuilder();
      long bytes = 0;
      ClientReply r;
      while (frame.getRepliesCount() < MAX_REPLIES_PER_FRAME && (r = replies.peek()) != null) {
        int size = r.getSerializedSize() + 6;
        if (frame.getRepliesCount() > 0 && bytes + size > MAX_FRAME_BYTES) {
          break;
        }
        replies.poll();
        frame.addReplies(r);
        bytes += size;
      }
      outstanding.addAndGet(-frame.getRepliesCount());
      synchronized (this) {
        if (closed) {
          return;
        }
        responses.onNext(frame.build());
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    cancelled();
  }

  @Override
  public void onCompleted() {
    close(Status.OK);
  }

  private void cancelled() {
    closed = true;
    service.forget(this);
  }

  /** End the stream with {@code status}. Any thread; idempotent. */
  synchronized void close(Status status) {
    service.forget(this);
    if (closed) {
      return;
    }
    closed = true;
    ServerStreams.end(responses, status);
  }
}
