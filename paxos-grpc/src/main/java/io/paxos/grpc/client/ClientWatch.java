package io.paxos.grpc.client;

import io.grpc.ChannelCredentials;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.SlotUnavailableException;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.PaxosClientServiceGrpc;
import io.paxos.grpc.proto.WatchFrame;
import io.paxos.grpc.proto.WatchRequest;
import io.paxos.grpc.proto.WatchedSlot;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running {@link PaxosClient#watch}: streams one node's applied slots to a {@link WatchListener}
 * and, when that node fails, closes or has fallen out of the cluster's reach, resumes at another
 * node from the slot after the last one reported: no slot is reported twice or skipped.
 *
 * <p><b>Threading.</b> One thread of its own does the streaming and calls the listener; {@link
 * #close()} and {@link #nextSlot()} from any thread.
 */
public final class ClientWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClientWatch.class);
  private static final long MIN_BACKOFF_MS = 50;
  private static final long MAX_BACKOFF_MS = 1000;

  /**
   * The largest frame accepted: a frame holds at least one whole slot, whose commands and results
   * may together pass gRPC's default 4 MiB (a batch of large results).
   */
  static final int MAX_FRAME_BYTES = 64 << 20;

  private final Supplier<List<Endpoint>> nodes;
  private final ChannelCredentials credentials;
  private final WatchListener listener;
  private final Thread thread;
  private final Runnable onEnd;
  private final Context.CancellableContext context = Context.current().withCancellation();
  private volatile long next;
  private volatile boolean closed;
  private volatile Endpoint watching;

  ClientWatch(
      long fromSlot,
      Supplier<List<Endpoint>> nodes,
      ChannelCredentials credentials,
      WatchListener listener,
      Runnable onEnd) {
    this.onEnd = onEnd;
    this.next = Math.max(1, fromSlot);
    this.nodes = nodes;
    this.credentials = credentials;
    this.listener = listener;
    this.thread = new Thread(this::run, "paxos-client-watch");
    thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** {@return the next slot to report: every applied slot below it was reported} */
  public long nextSlot() {
    return next;
  }

  /** {@return the node streamed from now, if any (for logs and tests)} */
  public java.util.Optional<Endpoint> node() {
    return java.util.Optional.ofNullable(watching);
  }

  private void run() {
    int index = 0;
    long backoff = MIN_BACKOFF_MS;
    List<String> refusals = new ArrayList<>();
    long oldestSeen = Long.MAX_VALUE;
    int unavailable = 0;
    int unwatchable = 0;
    try {
      while (!closed) {
        List<Endpoint> all = nodes.get();
        Endpoint node = all.get(Math.floorMod(index, all.size()));
        long before = next;
        Outcome o = stream(node);
        if (closed) {
          return;
        }
        if (next > before) { // progress: the refusals seen before no longer count
          backoff = MIN_BACKOFF_MS;
          unavailable = 0;
          unwatchable = 0;
          refusals.clear();
          oldestSeen = Long.MAX_VALUE;
        }
        switch (o.kind) {
          case UNAVAILABLE_SLOTS -> {
            unavailable++;
            oldestSeen = Math.min(oldestSeen, o.oldest);
            refusals.add(node + ": " + o.detail);
          }
          case UNWATCHABLE -> {
            unwatchable++;
            refusals.add(node + ": " + o.detail);
          }
          case FAILED -> log.debug("watch of {} ended: {}", node, o.detail);
        }
        if (unavailable > 0 && unavailable + unwatchable >= all.size()) {
          finish(
              new SlotUnavailableException(
                  "no node retains slot " + next + " any more: " + refusals, next, oldestSeen));
          return;
        }
        if (unwatchable >= all.size()) {
          finish(new IllegalStateException("no node can be watched: " + refusals));
          return;
        }
        index++;
        if (o.kind == Kind.FAILED || index % all.size() == 0) {
          Thread.sleep(backoff);
          backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ListenerFailure e) {
      finish(e.getCause());
    }
  }

  private enum Kind {
    FAILED,
    UNAVAILABLE_SLOTS,
    UNWATCHABLE
  }

  private record Outcome(Kind kind, long oldest, String detail) {}

  /** Stream from {@code node} until the stream ends; report every new slot. */
  private Outcome stream(Endpoint node) {
    ManagedChannel channel =
        Grpc.newChannelBuilderForAddress(node.host(), node.port(), credentials)
            .keepAliveTime(10, TimeUnit.SECONDS)
            .keepAliveTimeout(5, TimeUnit.SECONDS)
            .maxInboundMessageSize(MAX_FRAME_BYTES)
            .disableRetry()
            .build();
    watching = node;
    try {
      return context.call(
          () -> {
            Iterator<WatchFrame> frames =
                PaxosClientServiceGrpc.newBlockingStub(channel)
                    .watch(WatchRequest.newBuilder().setFromSlot(next).build());
            try {
              while (frames.hasNext()) {
                WatchFrame f = frames.next();
                for (WatchedSlot s : f.getSlotsList()) {
                  deliver(s);
                }
                if (f.hasUnavailable()) {
                  return new Outcome(
                      Kind.UNAVAILABLE_SLOTS,
                      f.getUnavailable().getOldestSlot(),
                      f.getUnavailable().getMessage());
                }
              }
              return new Outcome(Kind.FAILED, 0, "the stream ended");
            } catch (StatusRuntimeException e) {
              Status.Code code = e.getStatus().getCode();
              return new Outcome(
                  code == Status.Code.FAILED_PRECONDITION || code == Status.Code.UNIMPLEMENTED
                      ? Kind.UNWATCHABLE
                      : Kind.FAILED,
                  0,
                  e.getStatus().toString());
            }
          });
    } catch (ListenerFailure e) {
      throw e;
    } catch (Exception e) {
      return new Outcome(Kind.FAILED, 0, e.toString());
    } finally {
      watching = null;
      channel.shutdownNow();
    }
  }

  private void deliver(WatchedSlot s) {
    if (s.getSlot() < next) {
      return; // reported already (a node never sends one, but a resumed stream must not repeat)
    }
    List<AppliedCommand> commands = new ArrayList<>(s.getCommandsCount());
    for (io.paxos.grpc.proto.AppliedCommand c : s.getCommandsList()) {
      commands.add(new AppliedCommand(c.getCommand().toByteArray(), c.getResult().toByteArray()));
    }
    AppliedSlot slot = new AppliedSlot(s.getSlot(), commands);
    next = s.getSlot() + 1;
    if (closed) {
      return;
    }
    try {
      listener.onSlot(slot);
    } catch (RuntimeException | Error e) {
      throw new ListenerFailure(e);
    }
  }

  private void finish(Throwable error) {
    if (!closed) {
      closed = true;
      onEnd.run();
      try {
        listener.onError(error);
      } catch (RuntimeException e) {
        log.warn("a watch listener's onError threw", e);
      }
    }
  }

  /** Stop watching; the listener is not called after this returns. Idempotent. */
  @Override
  public void close() {
    closed = true;
    onEnd.run();
    context.cancel(null);
    thread.interrupt();
    if (Thread.currentThread() != thread) {
      try {
        thread.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** What the listener threw, carried out of the stream. */
  private static final class ListenerFailure extends RuntimeException {
    ListenerFailure(Throwable cause) {
      super(cause);
    }
  }
}
