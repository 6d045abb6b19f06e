package io.paxos.peers.aeron;

import io.aeron.Publication;
import io.aeron.cluster.client.AeronCluster;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The one thread that owns the {@link AeronCluster} session (it is not thread-safe): it takes the
 * writes the clients queue, offers each as {@code [request id][command]}, polls the egress and
 * completes a write's future when its request id comes back.
 */
final class IngressLoop implements Runnable {
  private record Write(byte[] command, CompletableFuture<Void> done) {}

  private final AeronCluster session;
  private final IdleStrategy idle;
  private final ManyToOneConcurrentArrayQueue<Write> queued;
  private final Long2ObjectHashMap<CompletableFuture<Void>> inFlight = new Long2ObjectHashMap<>();
  private final UnsafeBuffer request;
  private final Thread thread;
  private long nextRequestId = 1;
  private Write blocked;
  private volatile boolean running = true;

  /** {@code session}'s egress listener must pass each ack to {@link #onAck}. */
  IngressLoop(AeronCluster session, IdleStrategy idle, int clients, int maxCommandBytes) {
    this.session = session;
    this.idle = idle;
    this.queued = new ManyToOneConcurrentArrayQueue<>(Math.max(1024, 2 * clients));
    this.request =
        new UnsafeBuffer(ByteBuffer.allocateDirect(KvService.REQUEST_ID_BYTES + maxCommandBytes));
    this.thread = new Thread(this, "w1-ingress");
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** From any thread: queues the write for this loop to send. */
  CompletableFuture<Void> submit(byte[] command) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    if (!queued.offer(new Write(command, done))) {
      done.completeExceptionally(new IllegalStateException("ingress queue full"));
    }
    return done;
  }

  /** On this loop's thread, from the session's egress listener. */
  void onAck(long requestId) {
    CompletableFuture<Void> done = inFlight.remove(requestId);
    if (done != null) {
      done.complete(null);
    }
  }

  @Override
  public void run() {
    while (running) {
      int work = send();
      work += session.pollEgress();
      idle.idle(work);
    }
  }

  /** Offers queued writes until the session pushes back; returns how many went. */
  private int send() {
    int sent = 0;
    while (true) {
      Write w = blocked != null ? blocked : queued.poll();
      if (w == null) {
        return sent;
      }
      request.putLong(0, nextRequestId);
      request.putBytes(KvService.REQUEST_ID_BYTES, w.command());
      long result = session.offer(request, 0, KvService.REQUEST_ID_BYTES + w.command().length);
      if (result < 0) {
        if (result == Publication.CLOSED || result == Publication.MAX_POSITION_EXCEEDED) {
          blocked = null;
          w.done().completeExceptionally(new IllegalStateException("ingress offer " + result));
          continue;
        }
        blocked = w; // back pressure or admin action: retry on the next pass
        return sent;
      }
      blocked = null;
      inFlight.put(nextRequestId++, w.done());
      sent++;
    }
  }

  /** Stops the loop and waits for it; the session stays open. */
  void stop() throws InterruptedException {
    running = false;
    thread.join(5_000);
  }
}
