package io.paxos.core.host;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.storage.Storage;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.Consumer;

/**
 * Carries out a node's outboxes under the durability rule ({@link Outbox}): a batch's promise,
 * round, accepted values and compaction are written and synced before any of its messages leaves,
 * and before a message it sent itself is handed back to it. The one place that rule is carried out:
 * the runtime's event loop, the simulator, the protocol tests and the benchmarks all use this
 * class, each with its own {@link StorageWriter} and {@link Effects}.
 *
 * <p>What it does with one outbox ({@link #carryOut}):
 *
 * <ol>
 *   <li>messages that claim nothing about this node's durable state ({@link Outbox#mayPrecedeSync})
 *       leave at once, so that followers write while this node does, unless a new round is still
 *       being written (nothing precedes the sync of a round); those among them addressed to this
 *       node (a leader's {@code Accept} to its own acceptor) come back at once too, so that the
 *       leader's acceptor queues its write while earlier forces still run instead of after them
 *       (its vote, the {@code Accepted}, still waits for that write's force);
 *   <li>deliveries go to the apply side at once: what a quorum chose does not depend on this node's
 *       writes;
 *   <li>the state changes and the chosen values are queued with the writer, with a sync if any vote
 *       depends on them (chosen values alone ride along with the next sync, or {@link
 *       #syncChosen()});
 *   <li>once the writer reports that write done (at once, for a batch that asks for no sync), and
 *       every batch before it settled, the batch settles: its other messages leave, those to this
 *       node come back through {@link Effects#loopback}, and {@link Effects#settle} completes what
 *       waited for it.
 * </ol>
 *
 * <p>A batch whose write is not done yet is held (as a copy, when the writer works after {@link
 * StorageWriter#write} returns) and settled, in order, by {@link #releaseWritten()} once the writer
 * reports it done.
 *
 * <p>Not thread-safe: the host's one thread calls every method. Threads, clocks and I/O belong to
 * the writer and the effects.
 */
public final class OutboxCarrier {

  /** What a host does with the parts of a batch that leave the carrier. */
  public interface Effects {
    /** Send {@code message} to node {@code to}, another node. */
    void send(int to, Message message);

    /** The end of a run of {@link #send}s: push them out (a transport's flush). */
    default void flush() {}

    /** A message this node sent itself, durable now: hand it back to this node's protocol. */
    void loopback(Message message);

    /**
     * Chosen values, in slot order, for the apply side; they need no sync. The list is live: copy
     * what is kept after the call.
     */
    void deliver(List<Outbox.Delivery> deliveries);

    /**
     * The batch's writes are durable and its messages sent: serve its snapshot sends and complete
     * its abandoned commands and resolved read indexes. The batch is not valid after the call.
     */
    void settle(Outbox batch);
  }

  /**
   * A batch carried out once the writer is done with {@code ticket}; {@code sentEarly}: its
   * messages that may precede the sync already left (or came back).
   */
  private record Held(long ticket, Outbox out, boolean sentEarly) {}

  private final int nodeId;
  private final StorageWriter writer;
  private final Effects effects;
  // Batches whose messages and results wait for their writes, in order.
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private long lastTicket; // the ticket of the latest write queued
  private long roundTicket; // the ticket of the latest write that persisted a new round
  // Chosen values written since the last sync (no vote needed one): synced by syncChosen().
  private boolean chosenUnsynced;

  public OutboxCarrier(int nodeId, StorageWriter writer, Effects effects) {
    this.nodeId = nodeId;
    this.writer = writer;
    this.effects = effects;
  }

  /** The writer this carrier queues its writes with. */
  public StorageWriter writer() {
    return writer;
  }

  /** Whether batches wait for their writes (settled by a later {@link #releaseWritten()}). */
  public boolean holding() {
    return !held.isEmpty();
  }

  /**
   * Carry out {@code out} and clear it; it may be refilled at once. What waits for its writes is
   * settled now if they are done, else by a later {@link #releaseWritten()}.
   */
  public void carryOut(Outbox out) {
    if (out.isEmpty()) {
      return;
    }
    boolean sync = out.needsSync();
    boolean writes = sync || !out.deliveries().isEmpty();
    boolean waits = sync || !held.isEmpty();
    // Nothing precedes the sync of a new round, this batch's or one still being written.
    boolean sentEarly = waits && writer.done() >= roundTicket;
    if (sentEarly) {
      boolean sent = false;
      for (int i = 0; i < out.sendCount(); i++) {
        if (!out.mayPrecedeSync(i)) {
          continue;
        }
        if (out.sendTo(i) == nodeId) {
          effects.loopback(out.sendMessage(i));
        } else {
          effects.send(out.sendTo(i), out.sendMessage(i));
          sent = true;
        }
      }
      if (sent) {
        effects.flush();
      }
    }
    if (!out.deliveries().isEmpty()) {
      effects.deliver(out.deliveries());
      // Chosen values are durable at a quorum of acceptors already: this node's copy rides along
      // with the next sync that votes need, or syncChosen(), or a clean stop. A crash may lose it:
      // the node learns it again.
      chosenUnsynced |= !sync;
    }
    // The writer and a held batch read the outbox after it is cleared: they get a copy.
    Outbox batch = out;
    long ticket = lastTicket;
    if (writes) {
      Outbox written = writer.atOnce() ? out : out.copy();
      batch = written;
      ticket = write(storage -> writeBatch(storage, written), sync);
      if (out.round() >= 0) {
        roundTicket = ticket;
      }
    }
    // A batch that asks for no sync (its writes are chosen values at most) depends on no write of
    // its own: once every batch before it settled, it settles now, without waiting for the writer.
    if (held.isEmpty() && (!sync || writer.done() >= ticket)) {
      settle(out, sentEarly);
    } else {
      held.add(new Held(ticket, batch == out ? out.copy() : batch, sentEarly));
    }
    out.clear();
  }

  /**
   * Queue {@code writes} with the writer, then a sync if {@code sync}, in order after every batch
   * carried out so far (a compaction after a snapshot, say); returns its ticket.
   */
  public long write(Consumer<Storage> writes, boolean sync) {
    lastTicket = writer.write(writes, sync);
    if (sync) {
      chosenUnsynced = false; // a sync covers every write before it
    }
    return lastTicket;
  }

  /** Sync the chosen values written since the last sync, if any (the runtime does it each tick). */
  public void syncChosen() {
    if (chosenUnsynced) {
      write(s -> {}, true);
    }
  }

  /** Settle, in order, the held batches whose writes are done. */
  public void releaseWritten() {
    long done = writer.done();
    while (!held.isEmpty() && held.peek().ticket() <= done) {
      Held h = held.poll();
      settle(h.out(), h.sentEarly());
    }
  }

  /**
   * Write a batch's state changes, then its chosen values, without syncing. The acceptor's
   * compaction comes after the accepted entries, so that it voids those of this batch it covers.
   * (This runs on the writer's thread.)
   */
  public static void writeBatch(Storage storage, Outbox batch) {
    batch.promise().ifPresent(storage::savePromise);
    if (batch.round() >= 0) {
      storage.saveRound(batch.round());
    }
    for (AcceptedEntry e : batch.accepted()) {
      storage.saveAccepted(e);
    }
    if (batch.compaction() > 0) {
      storage.compact(batch.compaction());
    }
    for (Outbox.Delivery d : batch.deliveries()) {
      storage.appendChosen(d.slot(), d.value());
    }
  }

  /**
   * Send a batch's messages (but those sent early), hand back those to this node, and settle the
   * rest: all after its writes are durable.
   */
  private void settle(Outbox batch, boolean sentEarly) {
    for (int i = 0; i < batch.sendCount(); i++) {
      int to = batch.sendTo(i);
      if (sentEarly && batch.mayPrecedeSync(i)) {
        continue; // left (or came back) before the sync
      } else if (to == nodeId) {
        effects.loopback(batch.sendMessage(i));
      } else {
        effects.send(to, batch.sendMessage(i));
      }
    }
    effects.flush();
    effects.settle(batch);
  }
}
