package io.paxos.grpc;

import com.google.protobuf.UnsafeByteOperations;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.grpc.proto.SlotsUnavailable;
import io.paxos.grpc.proto.WatchFrame;
import io.paxos.grpc.proto.WatchedSlot;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One client's {@code Watch} stream: sends the node's applied slots from the {@link Watch}'s
 * position while gRPC's flow control says the client reads (so no more than the client's HTTP/2
 * window is ever in flight), and pauses otherwise; a client that stops reading falls behind in the
 * node's bounded history and is ended with {@code unavailable}, not buffered for.
 *
 * <p><b>Threading.</b> The watch's and the call's signals (apply thread, gRPC threads) only
 * schedule a drain on {@code executor}; drains of one stream never overlap, and never block.
 */
final class WatchStream {
  /** A frame stops growing past this many bytes (a single slot may exceed it). */
  static final int FRAME_BYTES = 256 << 10;

  private static final int FRAME_SLOTS = 256;

  private final Watch watch;
  private final ServerCallStreamObserver<WatchFrame> responses;
  private final Executor executor;
  private final AtomicInteger pending = new AtomicInteger();
  private final Runnable drain = this::drainLoop;
  private volatile boolean ended;

  private WatchStream(
      Watch watch, ServerCallStreamObserver<WatchFrame> responses, Executor executor) {
    this.watch = watch;
    this.responses = responses;
    this.executor = executor;
  }

  /** Start streaming {@code watch} to {@code responses}; it is closed when the call ends. */
  static void start(
      Watch watch, ServerCallStreamObserver<WatchFrame> responses, Executor executor) {
    WatchStream s = new WatchStream(watch, responses, executor);
    responses.setOnCancelHandler(s::cancelled);
    responses.setOnReadyHandler(s::signal);
    watch.onAvailable(s::signal);
  }

  private void cancelled() {
    ended = true;
    watch.close();
  }

  private void signal() {
    if (!ended && pending.getAndIncrement() == 0) {
      try {
        executor.execute(drain);
      } catch (RuntimeException e) { // the server is stopping
        end(Status.UNAVAILABLE.withDescription("the node's server is stopping"));
      }
    }
  }

  private void drainLoop() {
    do {
      drainOnce();
    } while (pending.decrementAndGet() != 0);
  }

  private void drainOnce() {
    try {
      while (!ended && responses.isReady()) {
        WatchFrame.Builder frame = WatchFrame.newBuilder();
        int bytes = 0;
        while (bytes < FRAME_BYTES && frame.getSlotsCount() < FRAME_SLOTS) {
          List<AppliedSlot> next = watch.poll(1);
          if (next.isEmpty()) {
            break;
          }
          WatchedSlot s = slot(next.get(0));
          bytes += s.getSerializedSize();
          frame.addSlots(s);
        }
        if (frame.getSlotsCount() == 0) {
          return;
        }
        responses.onNext(frame.build());
      }
    } catch (SlotUnavailableException e) {
      if (!ended) {
        ended = true;
        responses.onNext(unavailable(e));
        ServerStreams.end(responses, Status.OK);
        watch.close();
      }
    } catch (NodeClosedException | IllegalStateException e) {
      end(Status.UNAVAILABLE.withDescription(e.getMessage()));
    } catch (RuntimeException e) { // the call ended under us
      end(Status.CANCELLED.withDescription(e.toString()));
    }
  }

  private void end(Status status) {
    if (!ended) {
      ended = true;
      watch.close();
      ServerStreams.end(responses, status);
    }
  }

  /** The last frame of a stream whose slots are no longer retained. */
  static WatchFrame unavailable(SlotUnavailableException e) {
    return WatchFrame.newBuilder()
        .setUnavailable(
            SlotsUnavailable.newBuilder()
                .setRequestedSlot(e.requestedSlot())
                .setOldestSlot(e.oldestSlot())
                .setMessage(e.getMessage()))
        .build();
  }

  static WatchedSlot slot(AppliedSlot s) {
    WatchedSlot.Builder b = WatchedSlot.newBuilder().setSlot(s.slot());
    for (AppliedCommand c : s.commands()) {
      b.addCommandsBuilder()
          .setCommand(UnsafeByteOperations.unsafeWrap(c.command()))
          .setResult(UnsafeByteOperations.unsafeWrap(c.result()));
    }
    return b.build();
  }
}
