package io.paxos.core.runtime;

import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.Membership;
import io.paxos.core.storage.SnapshotInfo;
import io.paxos.core.storage.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The snapshot thread: every snapshot I/O of a node happens here, never on the event loop. It
 * writes the snapshots the apply thread captures, reads chunks of the newest one for peers that are
 * behind, and writes the chunks a peer streams to this node, checking the whole payload's CRC32C
 * before it commits it.
 *
 * <p><b>Ordering duties.</b> It reports a snapshot to the event loop ({@link
 * LoopInput.SnapshotSaved} or {@link LoopInput.SnapshotReceived}) only after {@link
 * SnapshotStore.Writer#commit()} returned, so the log is compacted only below a durable snapshot. A
 * transfer is pulled by the receiver one chunk at a time ({@link HostMessage.SnapshotRequest}); a
 * lost chunk or request is repaired when the learner, still behind, asks for catch-up again and the
 * peer answers with the first chunk, which makes the receiver ask again for the chunk it lacks if
 * no chunk came for a second.
 */
final class Snapshotter {
  private static final Logger log = LoggerFactory.getLogger(Snapshotter.class);

  /** A transfer without a new chunk for this long has lost one, and asks for it again. */
  private static final long STALLED_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final int nodeId;
  private final SnapshotStore store;
  private final SnapshotOptions options;
  private final Consumer<LoopInput> loop;
  private final io.paxos.core.observe.NodeObserver observer;
  private final ExecutorService thread;
  private final AtomicBoolean saving = new AtomicBoolean();
  private Transfer transfer;

  /** A snapshot being received (snapshot thread only). */
  private static final class Transfer {
    final long slot;
    final long total;
    final int checksum;
    final SnapshotStore.Writer writer;
    final CRC32C crc = new CRC32C();
    long received;
    long progressAt = System.nanoTime();

    Transfer(HostMessage.SnapshotChunk first, SnapshotStore.Writer writer) {
      this.slot = first.slot();
      this.total = first.totalBytes();
      this.checksum = first.checksum();
      this.writer = writer;
    }
  }

  /**
   * @param loop queues an input for the event loop: a {@link LoopInput.Send}, a {@link
   *     LoopInput.SnapshotSaved} or a {@link LoopInput.SnapshotReceived}
   * @param observer told of each snapshot taken or received
   */
  Snapshotter(
      int nodeId,
      SnapshotStore store,
      SnapshotOptions options,
      Consumer<LoopInput> loop,
      io.paxos.core.observe.NodeObserver observer) {
    this.observer = observer;
    this.nodeId = nodeId;
    this.store = store;
    this.options = options;
    this.loop = loop;
    this.thread =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "paxos-snapshot-" + nodeId);
              t.setDaemon(true);
              return t;
            });
  }

  SnapshotStore store() {
    return store;
  }

  /**
   * Write a captured snapshot of {@code slot} unless one is still being written (then this one is
   * skipped; the next interval takes another). Returns whether it was accepted.
   */
  boolean save(long slot, SnapshotPayload payload) {
    if (!saving.compareAndSet(false, true)) {
      return false;
    }
    execute(
        () -> {
          try {
            SnapshotInfo info = store.save(slot, payload::writeTo);
            observer.snapshotTaken(slot, info.size());
            loop.accept(new LoopInput.SnapshotSaved(info));
          } catch (IOException | RuntimeException e) {
            log.error(
                "node {} could not write its snapshot of slot {}: {}; the log is kept",
                nodeId,
                slot,
                e.toString());
          } finally {
            saving.set(false);
          }
        });
    return true;
  }

  /**
   * Send peer {@code to} the chunk of snapshot {@code slot} at {@code offset}, or the newest's
   * first.
   */
  void serve(int to, long slot, long offset) {
    execute(() -> sendChunk(to, slot, offset));
  }

  /** A chunk of a peer's snapshot arrived. */
  /**
   * Take a chunk of a peer's snapshot; {@code appliedSlot} is the slot this node had applied
   * through when the chunk came (a transfer of a snapshot not beyond it is not started).
   */
  void receive(HostMessage.SnapshotChunk chunk, long appliedSlot) {
    execute(() -> onChunk(chunk, appliedSlot));
  }

  private void sendChunk(int to, long slot, long offset) {
    Optional<SnapshotInfo> latest = store.latest();
    if (latest.isEmpty()) {
      return;
    }
    SnapshotInfo info = latest.get();
    long from = info.slot() == slot && offset <= info.size() ? offset : 0;
    int length = (int) Math.min(options.chunkBytes(), info.size() - from);
    byte[] data;
    try (InputStream in = store.open(info)) {
      in.skipNBytes(from);
      data = in.readNBytes(length);
    } catch (NoSuchFileException e) {
      return; // replaced by a newer snapshot meanwhile; the peer asks again
    } catch (IOException e) {
      log.warn(
          "node {} cannot read its snapshot of slot {}: {}", nodeId, info.slot(), e.toString());
      return;
    }
    loop.accept(
        new LoopInput.Send(
            to,
            new HostMessage.SnapshotChunk(
                nodeId, info.slot(), from, info.size(), info.checksum(), data)));
  }

  private void onChunk(HostMessage.SnapshotChunk chunk, long appliedSlot) {
    try {
      if (transfer != null && chunk.slot() == transfer.slot) {
        if (chunk.offset() != transfer.received) {
          // A duplicate, or the first chunk again (the learner still asks for catch-up while the
          // transfer runs). Ask again only if the transfer stalled: a chunk or request was lost.
          // Asking on every duplicate would start a second stream of chunks, then a third...
          if (chunk.offset() == 0 && System.nanoTime() - transfer.progressAt > STALLED_NANOS) {
            transfer.progressAt = System.nanoTime();
            request(chunk.from(), transfer);
          }
          return;
        }
      } else {
        if (chunk.offset() != 0 || chunk.slot() <= appliedSlot) {
          return;
        }
        if (transfer != null
            && chunk.slot() < transfer.slot
            && System.nanoTime() - transfer.progressAt <= STALLED_NANOS) {
          return; // an older snapshot from another peer: finish the newer one under way
        }
        abort();
        transfer = new Transfer(chunk, store.begin(chunk.slot()));
        log.debug(
            "node {} receives the snapshot of slot {} ({} bytes) from node {}",
            nodeId,
            chunk.slot(),
            chunk.totalBytes(),
            chunk.from());
      }
      Transfer t = transfer;
      if (t.received + chunk.data().length > t.total) {
        abort();
        return;
      }
      t.writer.stream().write(chunk.data());
      t.crc.update(chunk.data());
      t.received += chunk.data().length;
      t.progressAt = System.nanoTime();
      if (t.received < t.total) {
        request(chunk.from(), t);
        return;
      }
      transfer = null;
      if ((int) t.crc.getValue() != t.checksum) {
        t.writer.close();
        log.error(
            "node {}: the snapshot of slot {} from node {} fails its checksum; it is discarded",
            nodeId,
            t.slot,
            chunk.from());
        return;
      }
      SnapshotInfo info = t.writer.commit();
      Membership governing;
      try (InputStream in = store.open(info)) {
        governing = SnapshotPayload.membership(in).orElse(null);
      }
      observer.snapshotInstalled(info.slot(), info.size(), chunk.from());
      loop.accept(new LoopInput.SnapshotReceived(info, governing));
    } catch (IOException | RuntimeException e) {
      log.error("node {} cannot write a received snapshot: {}", nodeId, e.toString());
      abort();
    }
  }

  private void request(int peer, Transfer t) {
    loop.accept(
        new LoopInput.Send(peer, new HostMessage.SnapshotRequest(nodeId, t.slot, t.received)));
  }

  private void abort() {
    if (transfer != null) {
      transfer.writer.close();
      transfer = null;
    }
  }

  private void execute(Runnable task) {
    try {
      thread.execute(task);
    } catch (java.util.concurrent.RejectedExecutionException e) {
      // closing: the task is dropped
    }
  }

  /** Stop after the task under way (a snapshot being written is finished or discarded). */
  void close() {
    execute(this::abort);
    thread.shutdown();
    try {
      if (!thread.awaitTermination(60, TimeUnit.SECONDS)) {
        log.warn("node {}: the snapshot thread did not stop within 60 s", nodeId);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
