package io.paxos.examples.oplog;

import io.paxos.core.AppliedSlot;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotUnavailableException;
import io.paxos.core.Watch;
import io.paxos.core.runtime.PaxosNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends every slot a node applies to a text file, one line a slot, in slot order: {@code <slot>
 * <ops>} ({@link OpText}), {@code <slot> NOOP} for a slot that applied nothing, and {@code <slot>
 * SNAPSHOT} when the file cannot hold the slots through {@code slot} because the node has them only
 * as state (a snapshot installed from a peer, or restored at a restart beyond the file's end, or
 * the writer fell so far behind that the slots left the node's watch history).
 *
 * <p>It reads the node's watch history ({@link PaxosNode#watch}) on a thread of its own, so the
 * apply thread never waits for the disk, and flushes once per batch it reads. On start it continues
 * the file: it reads the last slot written, cuts off a last line torn by a crash, and watches from
 * the next slot; slots the node replays that the file holds already are not written again.
 *
 * <p>Thread-safe; {@link #close()} writes what the node applied so far, then stops.
 */
public final class OpLog implements AutoCloseable {
  /** The ops text of a slot that applied nothing. */
  public static final String NOOP = "NOOP";

  /** The ops text that marks slots this file does not hold. */
  public static final String SNAPSHOT = "SNAPSHOT";

  private static final Logger log = LoggerFactory.getLogger(OpLog.class);
  private static final int BATCH_SLOTS = 512;

  private final PaxosNode node;
  private final Path file;
  private final BufferedWriter out;
  private final Thread thread;
  private volatile boolean stopping;
  private long next;
  private Watch watch;

  private OpLog(PaxosNode node, Path file, BufferedWriter out, long lastSlot) {
    this.node = node;
    this.file = file;
    this.out = out;
    this.next = lastSlot + 1;
    this.thread = new Thread(this::run, "oplog-" + node.id());
    this.thread.setDaemon(true);
  }

  /**
   * Continue {@code file} (created if missing) with what {@code node} applies after the file's last
   * slot.
   *
   * @throws IOException if the file cannot be read or written, or is not an oplog
   */
  public static OpLog start(PaxosNode node, Path file) throws IOException {
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    long lastSlot = 0;
    long keep = 0;
    if (Files.exists(file)) {
      try (OpLogReader r = new OpLogReader(file)) {
        while (r.next().isPresent()) {
          // read to the end
        }
        lastSlot = r.lastSlot();
        keep = r.completeBytes();
      }
    }
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    channel.truncate(keep); // a line torn by a crash
    channel.position(keep);
    BufferedWriter out =
        new BufferedWriter(
            new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.US_ASCII),
            64 * 1024);
    OpLog opLog = new OpLog(node, file, out, lastSlot);
    opLog.thread.start();
    return opLog;
  }

  /** The file written. */
  public Path file() {
    return file;
  }

  private void run() {
    try {
      while (true) {
        boolean last = stopping; // once asked to stop: one more read of what is applied
        List<AppliedSlot> slots;
        try {
          if (watch == null) {
            watch = node.watch(next);
          }
          slots = last ? watch.poll(BATCH_SLOTS) : watch.take(BATCH_SLOTS, Duration.ofMillis(200));
        } catch (SlotUnavailableException e) {
          jump(e.oldestSlot());
          continue;
        }
        for (AppliedSlot s : slots) {
          noopsBelow(s.slot());
          line(s.slot(), OpText.slot(s.commands()));
        }
        noopsBelow(watch.nextSlot());
        out.flush();
        if (last && slots.isEmpty()) {
          return;
        }
      }
    } catch (NodeClosedException | InterruptedException e) {
      // the node stopped: nothing more to write
    } catch (IOException | RuntimeException e) {
      log.error("oplog {} stopped: {}", file, e.toString());
    } finally {
      if (watch != null) {
        watch.close();
      }
      try {
        out.close();
      } catch (IOException e) {
        log.error("oplog {}: {}", file, e.toString());
      }
    }
  }

  /** The slots before {@code oldest} are not in the history: mark them, watch from there. */
  private void jump(long oldest) throws IOException {
    if (watch != null) {
      watch.close();
      watch = null;
    }
    if (oldest > next) {
      line(oldest - 1, SNAPSHOT);
    }
  }

  private void noopsBelow(long slot) throws IOException {
    while (next < slot) {
      line(next, NOOP);
    }
  }

  private void line(long slot, String ops) throws IOException {
    out.write(Long.toString(slot));
    out.write(' ');
    out.write(ops);
    out.write('\n');
    next = slot + 1;
  }

  /** Write what the node applied so far, then stop. Idempotent. */
  @Override
  public void close() {
    stopping = true;
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
