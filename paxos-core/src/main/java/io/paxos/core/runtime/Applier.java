package io.paxos.core.runtime;

import io.paxos.core.AppliedCommand;
import io.paxos.core.AppliedSlot;
import io.paxos.core.StateHashing;
import io.paxos.core.StateMachine;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.SnapshotInfo;
import io.paxos.core.storage.SnapshotStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The apply thread: applies chosen values to the {@link StateMachine} in slot order, completes the
 * futures of commands made at this node, and serves reads once the slots they wait for are applied.
 * It is the only thread that calls the state machine.
 *
 * <p><b>Snapshots.</b> Every {@link SnapshotOptions#intervalSlots()} applied slots or {@link
 * SnapshotOptions#intervalBytes()} applied command bytes, it captures a snapshot (the session table
 * copied, the state machine's quick {@link StateMachine#snapshot()}) and hands it to the {@link
 * Snapshotter}, which writes it on its own thread. A snapshot received from a peer is installed
 * here, in order with the deliveries: it replaces the state only if it is ahead of what was applied
 * (docs/pitfalls.md #18), and deliveries of slots it covers are skipped. Commands pending at this
 * node then fail with {@link io.paxos.core.CommandTimeoutException} (outcome unknown): the snapshot
 * may have applied them without their results.
 *
 * <p><b>State hash.</b> For a state machine that is also {@link StateHashing}, a status request
 * ({@link #stateHash()}) queues a digest of the state here if the state changed since the last one
 * and at least {@link StateHashing#MIN_INTERVAL_MS} passed since the last was queued; the digest is
 * taken between batches, with the slot it covers, and reported by later requests.
 *
 * <p><b>Watches.</b> With an {@link AppliedJournal} (watching enabled), each applied command and
 * its result are appended to it once per batch, before the batch's futures complete; every command
 * is then applied with {@link StateMachine#apply}, since a watcher reads the result. Without one
 * (the default) this costs one null check per command.
 *
 * <p><b>Failures.</b> An exception from the state machine goes to {@link ApplyFailures}: under
 * {@link io.paxos.core.config.ApplyFailurePolicy#STOP_NODE} it stops the node; under {@code
 * FAIL_COMMAND} it becomes the command's outcome, kept in the session table for a session's
 * command, and the command's future fails with {@link io.paxos.core.CommandFailedException}. A
 * failed command's slot counts as applied; watchers do not see the command (it changed nothing).
 */
final class Applier implements Runnable {
  private record Deliveries(List<Outbox.Delivery> deliveries) {}

  private record Read(long readIndex, byte[] query, CompletableFuture<byte[]> future) {}

  private record Install(SnapshotInfo info) {}

  private static final Object STOP = new Object();
  private static final Object HASH = new Object();
  private static final byte[] EMPTY = new byte[0];

  private final int nodeId;
  private final StateMachine stateMachine;
  private final Completions completions;
  private final SessionTable sessionTable;
  private final AppliedMembership membership;
  private final UnaryOperator<byte[]> machine = this::apply; // one instance, not one per command
  private final Runnable completeAnswered = this::completeAll; // one instance, not one per batch
  private final LoopInbox loop;
  private final Consumer<Throwable> onFailure;
  private final ApplyFailures applyFailures;
  private final WriteStages stages;
  private final ParkingQueue<Object> tasks = new ParkingQueue<>();
  private final PriorityQueue<Read> waiting =
      new PriorityQueue<>((a, b) -> Long.compare(a.readIndex(), b.readIndex()));
  private volatile long appliedSlot;
  private volatile NodeStatus.StateHash stateHash;
  private final AtomicBoolean hashQueued = new AtomicBoolean();
  private volatile long hashQueuedAtNanos;
  private final SnapshotOptions snapshotOptions;
  private final AppliedJournal journal; // null: watching disabled
  // With a journal: the commands applied in the current slot, the slots of the batch, and whether
  // the state machine ran for the last command (a session's retry is answered from the table).
  private final ArrayList<AppliedCommand> slotApplied = new ArrayList<>();
  private final ArrayList<AppliedSlot> batchApplied = new ArrayList<>();
  private boolean ran;
  private final Snapshotter snapshotter; // null: no snapshots here
  private long slotsSinceSnapshot;
  private long bytesSinceSnapshot;
  // This node's commands applied in the current batch, answered together once it is applied.
  private final ArrayList<Command> answered = new ArrayList<>();
  private final ArrayList<byte[]> answers = new ArrayList<>();
  private long[] answeredSlots = new long[64];
  // Reads that gave up waiting (timed out) stay in the queue until their slot is applied; past
  // this many queued, the queue drops them (a read may wait for a slot that never comes).
  private static final int MIN_PRUNE = 1024;
  private int pruneWaitingAt = MIN_PRUNE;

  Applier(
      int nodeId,
      StateMachine stateMachine,
      Completions completions,
      AppliedMembership membership,
      LoopInbox loop,
      Snapshotter snapshotter,
      Consumer<Throwable> onFailure,
      SnapshotOptions snapshotOptions,
      int maxSessions,
      AppliedJournal journal,
      ApplyFailures applyFailures,
      WriteStages stages) {
    this.stages = stages;
    this.nodeId = nodeId;
    this.applyFailures = applyFailures;
    this.sessionTable = new SessionTable(maxSessions);
    this.journal = journal;
    this.snapshotOptions = snapshotOptions;
    this.stateMachine = stateMachine;
    this.completions = completions;
    this.membership = membership;
    this.loop = loop;
    this.snapshotter = snapshotter;
    this.onFailure = onFailure;
  }

  /** Every slot up to and including this one has been applied. */
  long appliedSlot() {
    return appliedSlot;
  }

  /** Restore the state from a snapshot, before the node starts (caller's thread). */
  void restore(SnapshotStore store, SnapshotInfo info) throws IOException {
    try (InputStream in = store.open(info)) {
      SnapshotPayload.restore(in, sessionTable, stateMachine).ifPresent(membership::restored);
    }
    appliedSlot = info.slot();
    if (journal != null) {
      journal.reset(appliedSlot);
    }
  }

  /**
   * Apply values recovered from storage, before the node starts (caller's thread): {@code chosen}
   * holds the slots from {@code firstSlot}.
   */
  void replay(List<Value> chosen, long firstSlot) {
    long slot = firstSlot - 1;
    for (Value v : chosen) {
      slot++;
      for (Command c : v.commands()) {
        try {
          if (journal != null) {
            record(c, replayOne(c, slot)); // a watcher may resume in any slot of the log
          } else if (c.inSession()) {
            sessionTable.apply(c, slot, machine); // the table keeps the results of sessions
          } else {
            applyWithoutResult(c.payload()); // answered before the restart, or never
          }
        } catch (ApplyFailure f) {
          applyFailures.replayed(slot, f); // failed before the restart too: the replay goes on
        }
      }
      endSlot(slot);
      membership.applied(slot, v);
    }
    appliedSlot = slot;
    endBatch();
  }

  /** Apply {@code c} during the replay, returning its result if the state machine ran for it. */
  private byte[] replayOne(Command c, long slot) {
    ran = false;
    byte[] result = sessionTable.apply(c, slot, machine);
    return ran ? result : null;
  }

  /** Note for watchers that {@code c} was applied with {@code result} (null: it was not). */
  private void record(Command c, byte[] result) {
    if (result != null) {
      slotApplied.add(new AppliedCommand(c.payload(), result));
    }
  }

  private void endSlot(long slot) {
    if (journal != null && !slotApplied.isEmpty()) {
      batchApplied.add(new AppliedSlot(slot, slotApplied));
      slotApplied.clear();
    }
  }

  /** Hand the slots applied in this batch to the watchers' history. */
  private void endBatch() {
    if (journal != null) {
      journal.append(batchApplied, appliedSlot);
      batchApplied.clear();
    }
  }

  void deliver(List<Outbox.Delivery> deliveries) {
    tasks.add(new Deliveries(List.copyOf(deliveries)));
  }

  /** Install a snapshot received from a peer, after the deliveries queued before it. */
  void install(SnapshotInfo info) {
    tasks.add(new Install(info));
  }

  /**
   * Run {@code query} once every slot below {@code readIndex} is applied; a {@link SlotFuture}
   * learns the applied slot it ran at.
   */
  void read(long readIndex, byte[] query, CompletableFuture<byte[]> future) {
    tasks.add(new Read(readIndex, query, future));
  }

  void stop() {
    tasks.add(STOP);
  }

  /**
   * The newest digest of the state, if the state machine computes one; queues a new one (see the
   * class comment) if this one is older than the applied state. Any thread.
   */
  Optional<NodeStatus.StateHash> stateHash() {
    NodeStatus.StateHash h = stateHash;
    if (stateMachine instanceof StateHashing
        && (h == null || h.appliedSlot() < appliedSlot)
        && (hashQueuedAtNanos == 0
            || System.nanoTime() - hashQueuedAtNanos
                >= TimeUnit.MILLISECONDS.toNanos(StateHashing.MIN_INTERVAL_MS))
        && hashQueued.compareAndSet(false, true)) {
      hashQueuedAtNanos = System.nanoTime() | 1; // never 0
      tasks.add(HASH);
    }
    return Optional.ofNullable(h);
  }

  private void takeStateHash() {
    hashQueued.set(false);
    try {
      stateHash = new NodeStatus.StateHash(appliedSlot, ((StateHashing) stateMachine).stateHash());
    } catch (RuntimeException e) {
      // A digest is a diagnostic: one that fails is not reported, and the node goes on.
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
        Object task = tasks.poll();
        if (task == null) {
          tasks.await(0);
          continue;
        }
        if (task == STOP) {
          failWaitingReads();
          return;
        }
        if (task instanceof Deliveries d) {
          try {
            applyAll(d.deliveries());
          } finally {
            answer(); // what was applied before a failure keeps its result
            stages.replied();
          }
          maybeSnapshot();
        } else if (task instanceof Install i) {
          installSnapshot(i.info());
        } else if (task instanceof Read r) {
          waitFor(r);
        } else if (task == HASH) {
          takeStateHash();
        }
        serveReads();
      }
    } catch (IOException e) {
      onFailure.accept(new UncheckedIOException("cannot install a snapshot", e));
    } catch (RuntimeException | Error e) {
      onFailure.accept(e);
    }
  }

  private void applyAll(List<Outbox.Delivery> deliveries) {
    for (Outbox.Delivery d : deliveries) {
      if (d.slot() <= appliedSlot) {
        continue; // covered by a snapshot installed before it
      }
      if (d.slot() != appliedSlot + 1) {
        throw new IllegalStateException(
            "slot " + d.slot() + " delivered after slot " + appliedSlot + ": a gap in the log");
      }
      int answeredBefore = answered.size();
      for (Command c : d.value().commands()) {
        applyOne(c, d.slot());
        bytesSinceSnapshot += c.payload().length;
      }
      appliedSlot = d.slot();
      membership.applied(d.slot(), d.value());
      stages.applied(d.slot(), answered.size() > answeredBefore);
      endSlot(d.slot());
      slotsSinceSnapshot++;
    }
    endBatch();
  }

  private void maybeSnapshot() {
    if (snapshotter == null || !snapshotOptions.enabled()) {
      return;
    }
    boolean due =
        (snapshotOptions.intervalSlots() > 0
                && slotsSinceSnapshot >= snapshotOptions.intervalSlots())
            || (snapshotOptions.intervalBytes() > 0
                && bytesSinceSnapshot >= snapshotOptions.intervalBytes());
    if (due
        && snapshotter.save(
            appliedSlot,
            SnapshotPayload.capture(sessionTable, stateMachine, membership.current()))) {
      slotsSinceSnapshot = 0;
      bytesSinceSnapshot = 0;
    }
  }

  /**
   * Replace the state with a received snapshot if it is ahead of what was applied. A failure here
   * stops the node: the state machine may be half restored.
   */
  private void installSnapshot(SnapshotInfo info) throws IOException {
    if (info.slot() <= appliedSlot) {
      return;
    }
    // A newer snapshot may have replaced it meanwhile; that one covers it.
    SnapshotStore store = snapshotter.store();
    SnapshotInfo newest =
        store
            .latest()
            .filter(l -> l.slot() >= info.slot())
            .orElseThrow(
                () -> new IOException("the received snapshot of slot " + info.slot() + " is gone"));
    try (InputStream in = store.open(newest)) {
      SnapshotPayload.restore(in, sessionTable, stateMachine).ifPresent(membership::restored);
    }
    appliedSlot = newest.slot();
    if (journal != null) {
      journal.reset(appliedSlot); // watchers behind it missed the slots it covers
    }
    // Commands made here may have been applied inside the snapshot, whose results it does not
    // carry (a session's retry gets its result from the restored session table).
    completions.failOutstanding(
        new io.paxos.core.CommandTimeoutException(
            "node "
                + nodeId
                + " installed a snapshot of slot "
                + newest.slot()
                + " from a peer, which may have applied this command: its outcome is unknown"));
    slotsSinceSnapshot = 0;
    bytesSinceSnapshot = 0;
  }

  /**
   * Apply one command (once per session sequence), then answer whoever waits for it. A command
   * outside a session made at another learner is answered there: its result is not built here.
   */
  private void applyOne(Command c, long slot) {
    ran = false;
    try {
      applyOrFail(c, slot);
    } catch (ApplyFailure f) {
      if (ran) {
        applyFailures.failed(slot, f); // not a retry answered from the session table
      }
      if (c.origin() == nodeId) {
        completions.fail(c.clientId(), c.sequence(), ApplyFailures.toCaller(f));
      } else if (!membership.hostsLearner(c.origin())) {
        // Made at a node without a learner: every learner tells it, as with a result (the first
        // to arrive fails the future, the others find none); a retry of a session's command
        // there, or at a learner, fails the same way from the session table.
        loop.enqueue(new LoopInput.Send(c.origin(), ApplyFailures.toOrigin(nodeId, c, slot, f)));
      }
    }
  }

  private void applyOrFail(Command c, long slot) {
    if (!c.inSession() && c.origin() != nodeId && membership.hostsLearner(c.origin())) {
      if (journal == null) {
        applyWithoutResult(c.payload());
      } else {
        record(c, apply(c.payload()));
      }
      return;
    }
    ran = false;
    byte[] result = sessionTable.apply(c, slot, machine);
    if (result == null) {
      return; // a stale duplicate: applied before, and its client has seen the answer
    }
    if (journal != null && ran) {
      record(c, result);
    }
    if (c.origin() == nodeId) {
      if (answered.size() == answeredSlots.length) {
        answeredSlots = java.util.Arrays.copyOf(answeredSlots, answeredSlots.length * 2);
      }
      answeredSlots[answered.size()] = slot;
      answered.add(c);
      answers.add(result);
    } else if (!membership.hostsLearner(c.origin())) {
      loop.enqueue(
          new LoopInput.Send(
              c.origin(),
              new HostMessage.CommandResult(nodeId, c.clientId(), c.sequence(), slot, result)));
    }
  }

  /**
   * Complete the futures of this node's commands applied in the batch, one after another: their
   * callers (a transport's reply stream, say) then see the answers in a burst they can send in one
   * frame, not one at a time while the batch is applied. (A long catch-up batch delays its answers
   * until it is applied; a command's timeout is far longer than any batch takes.)
   */
  private void answer() {
    if (answered.isEmpty()) {
      return;
    }
    try {
      loop.inOneWakeup(completeAnswered); // what callbacks submit wakes the loop once, after
    } finally {
      answered.clear();
      answers.clear();
    }
  }

  private void completeAll() {
    for (int i = 0; i < answered.size(); i++) {
      Command c = answered.get(i);
      completions.complete(c.clientId(), c.sequence(), answeredSlots[i], answers.get(i));
    }
  }

  /**
   * Apply {@code payload} for its result.
   *
   * @throws ApplyFailure if the state machine threw and the policy fails the command
   */
  private byte[] apply(byte[] payload) {
    ran = true;
    byte[] result;
    try {
      result = stateMachine.apply(payload);
    } catch (RuntimeException e) {
      throw applyFailures.failure(e);
    }
    return result == null ? EMPTY : result;
  }

  /** Apply {@code payload} whose result nobody reads; throws as {@link #apply} does. */
  private void applyWithoutResult(byte[] payload) {
    ran = true;
    try {
      stateMachine.applyWithoutResult(payload);
    } catch (RuntimeException e) {
      throw applyFailures.failure(e);
    }
  }

  private void failWaitingReads() {
    for (Read r : waiting) {
      r.future().completeExceptionally(new io.paxos.core.NodeClosedException("node closed"));
    }
    waiting.clear();
    Object task;
    while ((task = tasks.poll()) != null) {
      if (task instanceof Read r) {
        r.future().completeExceptionally(new io.paxos.core.NodeClosedException("node closed"));
      }
    }
  }

  /** Queue a read until its slot is applied, dropping reads that gave up when many are queued. */
  private void waitFor(Read r) {
    if (waiting.size() >= pruneWaitingAt) {
      waiting.removeIf(w -> w.future().isDone());
      pruneWaitingAt = Math.max(MIN_PRUNE, waiting.size() * 2);
    }
    waiting.add(r);
  }

  private void serveReads() {
    while (!waiting.isEmpty() && waiting.peek().readIndex() <= appliedSlot + 1) {
      Read r = waiting.poll();
      if (r.future().isDone()) {
        continue;
      }
      try {
        byte[] result = stateMachine.query(r.query());
        SlotFuture.complete(r.future(), appliedSlot, result == null ? EMPTY : result);
      } catch (RuntimeException e) {
        r.future().completeExceptionally(e);
      }
    }
  }
}
