package io.paxos.core.runtime;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.NodeClosedException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.OverloadedException;
import io.paxos.core.PaxosException;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.Transport;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's event loop: the one thread that owns the {@link ProtocolNode}, the {@link Storage} and
 * the sending side of the {@link Transport}. Each turn it drains a batch of inputs, ticks the
 * timers, flushes the protocol, then carries out the outbox in the order the durability rule
 * demands: write and sync storage once for the whole batch (group commit), and only then send
 * messages (including those to itself), hand deliveries to the apply thread and settle futures.
 *
 * <p>Snapshots: the loop does no snapshot I/O. It hands requests and chunks of snapshot transfers
 * to the {@link Snapshotter}, and when the snapshotter reports a snapshot durable it compacts the
 * protocol and the storage below it (and, for one received from a peer, moves the learner past it
 * and queues its installation on the apply thread, in order with the deliveries). On a node with an
 * acceptor but no learner, the acceptor compacts when a majority of the learners announce durable
 * snapshots; the outbox carries that compaction ({@link Outbox#compaction()}), which {@link
 * Storage#write} persists with the batch's other state, before the sync and the sends.
 */
final class EventLoop implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  private static final int MAX_INPUTS_PER_TURN = 4096;

  record Submit(Command command) {}

  record Read(long readId) {}

  record Send(int to, Message message) {}

  private final int nodeId;
  private final ProtocolNode protocol;
  private final Transport transport;
  private final Applier applier;
  private final Completions commands;
  private final PendingCommands<Long, Long> reads;
  private final long tickIntervalMs;
  private final long timeoutMs;
  private final int maxInbox;
  private final Consumer<Throwable> onFailure;
  private Snapshotter snapshotter;
  private NodeMonitor monitor;
  private final long startNanos = System.nanoTime();

  /** What the storage writer queues to wake the loop when writes are done. */
  private static final Object WRITTEN = new Object();

  private final StorageWriter writer;
  // Batches whose messages and results wait for their writes, in order.
  private final ArrayDeque<Held> held = new ArrayDeque<>();
  private final AtomicBoolean writtenSignalled = new AtomicBoolean();
  private long lastTicket; // the ticket of the latest write queued
  private long roundTicket; // the ticket of the latest write that persisted a new round

  /** A batch carried out once the writer is done with {@code ticket}. */
  private record Held(long ticket, Outbox out, boolean sentEarly) {}

  private final ParkingQueue<Object> inbox = new ParkingQueue<>();
  private final AtomicInteger inboxSize = new AtomicInteger();
  private final ArrayDeque<Message> loopback = new ArrayDeque<>();
  private final Outbox out = new Outbox();
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile int leaderHint;
  private volatile Ballot ballot = Ballot.ZERO;
  private volatile long commitSlot;
  private long nextTickMs;
  // Chosen values written since the last sync (no vote needed one): synced at the next tick.
  private boolean chosenUnsynced;

  EventLoop(
      ProtocolNode protocol,
      Storage storage,
      Transport transport,
      Applier applier,
      Completions commands,
      PendingCommands<Long, Long> reads,
      long tickIntervalMs,
      long timeoutMs,
      int maxInbox,
      Consumer<Throwable> onFailure) {
    this.nodeId = protocol.id();
    this.protocol = protocol;
    this.transport = transport;
    this.applier = applier;
    this.commands = commands;
    this.reads = reads;
    this.tickIntervalMs = tickIntervalMs;
    this.timeoutMs = timeoutMs;
    this.maxInbox = maxInbox;
    this.onFailure = onFailure;
    this.writer =
        storage.blockingSync()
            ? new StorageThread(nodeId, storage, this::signalWritten, onFailure)
            : StorageWriter.inline(storage);
  }

  private void signalWritten() {
    if (writtenSignalled.compareAndSet(false, true)) {
      enqueue(WRITTEN);
    }
  }

  /** The snapshot thread, if this node keeps snapshots; set before the loop starts. */
  void snapshotter(Snapshotter snapshotter) {
    this.snapshotter = snapshotter;
  }

  /** Derives the node's events and gauges each turn; set before the loop starts. */
  void monitor(NodeMonitor monitor) {
    this.monitor = monitor;
    if (writer instanceof StorageThread thread) {
      thread.observer(monitor.observer());
    }
  }

  boolean isLeader() {
    return leader;
  }

  int leaderHint() {
    return leaderHint;
  }

  /** The highest ballot the node knew of at the end of the loop's last turn. */
  Ballot ballot() {
    return ballot;
  }

  /** The commit slot the node knew of at the end of the loop's last turn. */
  long commitSlot() {
    return commitSlot;
  }

  /** Queue a message from the network; dropped when the inbox is full (the protocol retries). */
  void receive(Message message) {
    if (inboxSize.get() >= maxInbox) {
      return;
    }
    enqueue(message);
  }

  /**
   * Run {@code inputs}, which queues inputs from this thread, so that they wake the loop once,
   * after it returns ({@link ParkingQueue#holdWakeups()}).
   */
  void inOneWakeup(Runnable inputs) {
    inbox.holdingWakeups(inputs);
  }

  /** Queue an input from an application thread or the apply thread. */
  void enqueue(Object input) {
    inboxSize.incrementAndGet();
    inbox.add(input);
  }

  void stop() {
    running = false;
    inbox.wake();
  }

  @Override
  public void run() {
    writer.start();
    boolean clean = false;
    try {
      while (running) {
        long now = nowMs();
        int handled = drainInputs(now);
        if (now >= nextTickMs) {
          syncChosen();
          protocol.tick(now, out);
          commands.expire(now);
          reads.expire(now);
          nextTickMs = now + tickIntervalMs;
        }
        protocol.flush(now, out);
        monitor.afterTurn(protocol, out);
        releaseWritten();
        carryOut();
        leader = protocol.isLeader();
        leaderHint = protocol.leaderHint();
        ballot = protocol.ballot();
        commitSlot = protocol.commitSlot();
        if (handled == 0 && loopback.isEmpty()) {
          park();
        }
      }
      clean = true;
    } catch (RuntimeException | Error e) {
      running = false;
      onFailure.accept(e);
    } finally {
      writer.close(clean); // a clean stop leaves nothing it learned only in memory
    }
  }

  private void syncChosen() {
    if (chosenUnsynced) {
      write(s -> {}, true);
    }
  }

  /** Queue {@code writes} (then a sync, if {@code sync}) with the writer. */
  private long write(Consumer<Storage> writes, boolean sync) {
    lastTicket = writer.write(writes, sync);
    if (sync) {
      chosenUnsynced = false; // a sync covers every write before it
    }
    return lastTicket;
  }

  private long nowMs() {
    return (System.nanoTime() - startNanos) / 1_000_000L + 1;
  }

  private void park() {
    if (running) {
      inbox.await(Math.max(1, nextTickMs - nowMs()) * 1_000_000L);
    }
  }

  private int drainInputs(long now) {
    int handled = 0;
    Message self;
    while ((self = loopback.poll()) != null) {
      protocol.receive(self, now, out);
      handled++;
    }
    Object input;
    while (handled < MAX_INPUTS_PER_TURN && (input = inbox.poll()) != null) {
      inboxSize.decrementAndGet();
      handle(input, now);
      handled++;
    }
    return handled;
  }

  private void handle(Object input, long now) {
    if (input == WRITTEN) {
      writtenSignalled.set(false); // released in this turn, with whatever else was written
    } else if (input instanceof Message m && refused(m)) {
      return;
    } else if (input instanceof Message.CommandResult r) {
      commands.complete(r.clientId(), r.sequence(), r.slot(), r.result());
    } else if (input instanceof Message.SnapshotRequest r) {
      if (snapshotter != null) {
        snapshotter.serve(r.from(), r.slot(), r.offset());
      }
    } else if (input instanceof Message.SnapshotChunk c) {
      if (snapshotter != null) {
        snapshotter.receive(c);
      }
    } else if (input instanceof Message m) {
      protocol.receive(m, now, out);
    } else if (input instanceof Snapshotter.Saved s) {
      // Durable, and it covers applied (so chosen) slots only: the log below it may go.
      long slot = s.info().slot();
      protocol.compact(slot, out); // and announce it to acceptors without a learner
      // Synced now, not with some later batch: a restart then starts after it.
      write(storage -> storage.compact(slot), true);
    } else if (input instanceof Snapshotter.Received r) {
      long slot = r.info().slot();
      long before = protocol.learner().map(l -> l.nextSlot()).orElse(Long.MAX_VALUE);
      protocol.installSnapshot(slot, now, out);
      if (slot >= before) {
        applier.install(r.info());
      }
      write(storage -> storage.compact(slot), true);
    } else if (input instanceof Submit s) {
      commands.track(s.command().clientId(), s.command().sequence(), now + timeoutMs);
      monitor.submitted();
      protocol.submit(s.command(), now, out);
    } else if (input instanceof Read r) {
      reads.track(r.readId(), now + timeoutMs);
      protocol.read(r.readId(), now, out);
    } else if (input instanceof Send s) {
      transport.send(s.to(), s.message());
    }
  }

  /**
   * Whether a message from the network is out of bounds ({@link ProtocolNode#refusal}): then it is
   * dropped here, before any role, the snapshotter or the storage sees it, and counted.
   */
  private boolean refused(Message m) {
    java.util.Optional<String> why = protocol.refusal(m);
    if (why.isEmpty()) {
      return false;
    }
    monitor.refused(m.from(), why.get());
    return true;
  }

  /**
   * Carry out this turn's outbox under the durability rule: its messages and results wait until its
   * writes (and those of every batch before it) are synced. Deliveries need no sync (what a quorum
   * chose does not depend on this node's writes), so the apply thread starts on them at once; and
   * messages that claim nothing about this node's durable state ({@link Outbox#mayPrecedeSync})
   * leave at once, so that followers write while this node does. With a {@link StorageThread} the
   * wait does not block the loop: the batch is held and carried out by {@link #releaseWritten()}
   * once its ticket is done.
   */
  private void carryOut() {
    if (out.isEmpty()) {
      return;
    }
    boolean sync = out.needsSync();
    boolean writes = sync || !out.deliveries().isEmpty();
    boolean waits = sync || !held.isEmpty();
    // Nothing precedes the sync of a new round, this batch's or one still being written.
    boolean sentEarly = false;
    if (waits && writer.done() >= roundTicket) {
      for (int i = 0; i < out.sendCount(); i++) {
        if (out.sendTo(i) != nodeId && out.mayPrecedeSync(i)) {
          transport.send(out.sendTo(i), out.sendMessage(i));
          sentEarly = true;
        }
      }
      if (sentEarly) {
        transport.flush();
      }
    }
    if (!out.deliveries().isEmpty()) {
      applier.deliver(out.deliveries());
      // Chosen values are durable at a quorum of acceptors already: this node's copy rides along
      // with the next sync that votes need, or is synced at the next tick or a clean stop. A crash
      // may lose it: the node learns it again, and PaxosNode serves its first SEQUENTIAL read
      // through a read index, since it may have applied more before the crash than it replays.
      chosenUnsynced |= !sync;
    }
    // The writer's thread and a held batch read the outbox after it is cleared: they get a copy.
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
    if (held.isEmpty() && writer.done() >= ticket) {
      settle(out, sentEarly);
    } else {
      held.add(new Held(ticket, batch == out ? out.copy() : batch, sentEarly));
    }
    out.clear();
  }

  /** Write a batch's state changes and chosen values (this runs on the writer's thread). */
  private static void writeBatch(Storage storage, Outbox batch) {
    storage.write(batch);
    for (Outbox.Delivery d : batch.deliveries()) {
      storage.appendChosen(d.slot(), d.value());
    }
  }

  /** Carry out, in order, the held batches whose writes are done. */
  private void releaseWritten() {
    long done = writer.done();
    while (!held.isEmpty() && held.peek().ticket() <= done) {
      Held h = held.poll();
      settle(h.out(), h.sentEarly());
    }
  }

  /**
   * Send a batch's messages (but those sent early), loop back those to itself, serve its snapshot
   * requests, and settle its commands and reads: all after its writes are durable.
   */
  private void settle(Outbox batch, boolean sentEarly) {
    for (int i = 0; i < batch.sendCount(); i++) {
      int to = batch.sendTo(i);
      if (to == nodeId) {
        loopback.add(batch.sendMessage(i));
      } else if (!(sentEarly && batch.mayPrecedeSync(i))) {
        transport.send(to, batch.sendMessage(i));
      }
    }
    transport.flush();
    if (snapshotter != null) {
      for (int to : batch.snapshotSends()) {
        snapshotter.serve(to, 0, 0);
      }
    }
    for (Outbox.Abandoned a : batch.abandoned()) {
      PaxosException error = error(a);
      for (Command c : a.commands()) {
        commands.fail(c.clientId(), c.sequence(), error);
      }
    }
    for (Outbox.ReadIndex r : batch.readIndexes()) {
      if (r.ok()) {
        reads.complete(r.readId(), r.readIndex());
      } else {
        reads.fail(r.readId(), new NotLeaderException(r.leaderHint()));
      }
    }
  }

  private static PaxosException error(Outbox.Abandoned a) {
    switch (a.reason()) {
      case OVERLOADED:
        return new OverloadedException("the leader's queue is full; retry later");
      case OUTCOME_UNKNOWN:
        return new CommandTimeoutException(
            "outcome unknown: the leader it was forwarded to cannot tell whether it proposed the"
                + " command (it restarted, or forgot the command, since it may have)");
      default:
        return new NotLeaderException(a.leaderHint());
    }
  }

  /** Fail what is still pending once the loop has stopped. */
  void failPending(String why) {
    commands.failAll(new NodeClosedException(why));
    reads.failAll(new NodeClosedException(why));
    log.debug("node {} event loop stopped: {}", nodeId, why);
  }
}
