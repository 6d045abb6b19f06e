package io.paxos.core.host.golden;

import io.paxos.core.host.DeferredStorageWriter;
import io.paxos.core.host.StorageWriter;
import io.paxos.core.storage.Storage;
import java.util.function.Consumer;

/**
 * A node's storage thread, stepped by the script: a {@link DeferredStorageWriter} whose queued
 * writes the script makes ({@code write NODE}: made, not synced, as in the OS's cache) or makes and
 * forces ({@code force NODE}), printing every write queued (with its ticket and what it persists)
 * and every group made or forced. As in the simulator, a group none of whose writes asked for a
 * sync is done once made.
 *
 * <p>{@code reportsEarly} makes it a broken writer that reports each write done as soon as it is
 * queued, before it is made or forced: the carrier then sends votes that are not durable, which the
 * golden outputs must expose ({@code GoldenScriptTest}).
 */
final class ScriptedWriter implements StorageWriter {
  private final int nodeId;
  private final DeferredStorageWriter thread;
  private final Consumer<String> print;
  private final boolean reportsEarly;
  private long submitted; // the ticket of the last write queued
  private long written; // the ticket of the last write made
  private long unsyncedFrom = 1; // the first ticket made since the last force
  private boolean syncWanted; // a write made since the last force asked for one

  ScriptedWriter(int nodeId, Storage storage, Consumer<String> print, boolean reportsEarly) {
    this.nodeId = nodeId;
    this.thread = new DeferredStorageWriter(storage, () -> {});
    this.print = print;
    this.reportsEarly = reportsEarly;
  }

  @Override
  public long write(Consumer<Storage> writes, boolean sync) {
    submitted = thread.write(writes, sync);
    print.accept(
        "n"
            + nodeId
            + " queue #"
            + submitted
            + ": "
            + WriteDescription.of(writes)
            + (sync ? ", sync" : ""));
    return submitted;
  }

  @Override
  public long done() {
    return reportsEarly ? submitted : thread.done(); // the break: done before it is made
  }

  @Override
  public boolean atOnce() {
    return false;
  }

  @Override
  public void close(boolean finish) {
    thread.close(finish);
  }

  /** Make every queued write, in order, without a force ({@code write NODE}). */
  void writeQueued() {
    if (syncWanted) {
      // Scripts step one group at a time: the group made last is forced before the next is made
      // (a storage thread may overlap them; the simulator and StorageThreadPipelineTest cover it).
      throw new ScriptException(
          "node "
              + nodeId
              + "'s storage thread is forcing "
              + tickets(unsyncedFrom, written)
              + ": 'force "
              + nodeId
              + "' completes it first");
    }
    if (!thread.hasQueued()) {
      print.accept("n" + nodeId + " write: nothing queued");
      return;
    }
    long first = written + 1;
    syncWanted = thread.writeQueued();
    written = submitted;
    if (syncWanted) {
      print.accept("n" + nodeId + " write " + tickets(first, written) + ": made, not synced");
    } else {
      // Nothing asked for a sync (chosen values alone): done once made, as the carrier expects.
      print.accept(
          "n" + nodeId + " write " + tickets(first, written) + ": made, no sync asked: done");
    }
  }

  /** Make every queued write and force them all ({@code force NODE}). */
  void force() {
    if (thread.hasQueued()) {
      thread.writeQueued();
      written = submitted;
    }
    if (unsyncedFrom > written) {
      print.accept("n" + nodeId + " force: nothing to force");
      return;
    }
    while (thread.forcesRunning() > 0) {
      thread.forced();
    }
    print.accept("n" + nodeId + " force " + tickets(unsyncedFrom, written) + ": durable");
    unsyncedFrom = written + 1;
    syncWanted = false;
  }

  /** How many writes wait in the queue (lost by a crash). */
  int queuedCount() {
    return (int) (submitted - written);
  }

  /** The tickets still queued, as {@code #3..#4}, or empty. */
  String queuedTickets() {
    return submitted == written ? "" : tickets(written + 1, submitted);
  }

  private static String tickets(long first, long last) {
    return first == last ? "#" + first : "#" + first + "..#" + last;
  }
}
