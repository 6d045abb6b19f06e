package io.paxos.core.host.golden;

import io.paxos.core.host.StorageWriter;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * A node's storage thread, run by the script: writes wait in its queue until the script makes them
 * ({@code write NODE}: made, not synced, as in the OS's cache) or makes and forces them ({@code
 * force NODE}). Like the simulator's writer, a group of writes none of which asked for a sync is
 * done once made. Every write queued and every group made or forced is printed with its tickets.
 *
 * <p>{@code reportsEarly} makes it a broken writer that reports each write done as soon as it is
 * queued, before it is made or forced: the carrier then sends votes that are not durable, which the
 * golden outputs must expose ({@code GoldenScriptTest}).
 */
final class ScriptedWriter implements StorageWriter {
  private record Job(long ticket, Consumer<Storage> writes, boolean sync) {}

  private final int nodeId;
  private final InMemoryStorage storage;
  private final Consumer<String> print;
  private final boolean reportsEarly;
  private final ArrayDeque<Job> queued = new ArrayDeque<>();
  private long submitted; // tickets handed out
  private long written; // the ticket of the last write made
  private long done;
  private long unsyncedFrom = 1; // the first ticket made since the last sync
  private boolean syncWanted; // a write made since the last sync asked for one

  ScriptedWriter(
      int nodeId, InMemoryStorage storage, Consumer<String> print, boolean reportsEarly) {
    this.nodeId = nodeId;
    this.storage = storage;
    this.print = print;
    this.reportsEarly = reportsEarly;
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    long ticket = ++submitted;
    queued.add(new Job(ticket, writes, sync));
    print.accept(
        "n"
            + nodeId
            + " queue #"
            + ticket
            + ": "
            + WriteDescription.of(writes)
            + (sync ? ", sync" : ""));
    if (reportsEarly) {
      done = submitted;
    }
    return ticket;
  }

  @Override
  public long done() {
    return done;
  }

  @Override
  public boolean atOnce() {
    return false;
  }

  @Override
  public void close(boolean finish) {
    // A scripted node stops only by crashing: what is queued is lost with it.
  }

  /** Make every queued write, in order, without a sync ({@code write NODE}). */
  void writeQueued() {
    if (queued.isEmpty()) {
      print.accept("n" + nodeId + " write: nothing queued");
      return;
    }
    long first = queued.peek().ticket();
    makeQueued();
    if (syncWanted) {
      print.accept("n" + nodeId + " write " + tickets(first, written) + ": made, not synced");
    } else {
      // Nothing asked for a sync (chosen values alone): done once made, as the carrier expects.
      done = Math.max(done, written);
      print.accept(
          "n" + nodeId + " write " + tickets(first, written) + ": made, no sync asked: done");
    }
  }

  /** Make every queued write and force them all ({@code force NODE}). */
  void force() {
    makeQueued();
    if (unsyncedFrom > written) {
      print.accept("n" + nodeId + " force: nothing to force");
      return;
    }
    storage.sync();
    print.accept("n" + nodeId + " force " + tickets(unsyncedFrom, written) + ": durable");
    done = Math.max(done, written);
    unsyncedFrom = written + 1;
    syncWanted = false;
  }

  private void makeQueued() {
    Job job;
    while ((job = queued.poll()) != null) {
      job.writes().accept(storage);
      syncWanted |= job.sync();
      written = job.ticket();
    }
  }

  /** How many writes wait in the queue (lost by a crash). */
  int queuedCount() {
    return queued.size();
  }

  /** The tickets still queued, as {@code #3..#4}, or empty. */
  String queuedTickets() {
    return queued.isEmpty() ? "" : tickets(queued.peek().ticket(), submitted);
  }

  private static String tickets(long first, long last) {
    return first == last ? "#" + first : "#" + first + "..#" + last;
  }
}
