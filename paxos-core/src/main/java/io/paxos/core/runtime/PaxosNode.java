package io.paxos.core.runtime;

import io.paxos.core.Consistency;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotResult;
import io.paxos.core.StateMachine;
import io.paxos.core.Watch;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.observe.LoggingObserver;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.NodeStarted;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.RoleFactory;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.SnapshotInfo;
import io.paxos.core.storage.Storage;
import io.paxos.core.storage.StorageException;
import io.paxos.core.transport.Transport;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node of a replicated state machine: hosts the Paxos roles its configuration gives it, runs
 * them on one event-loop thread, and applies chosen commands to the {@link StateMachine} on an
 * apply thread.
 *
 * <pre>{@code
 * PaxosNode node = PaxosNode.builder()
 *     .config(ClusterConfig.of("orders", 1, 2, 3))
 *     .nodeId(1)
 *     .stateMachine(new MyStateMachine())
 *     .transport(transport)
 *     .build();
 * byte[] result = node.submit(command).get();
 * }</pre>
 *
 * <p><b>Threading.</b> Every public method is thread-safe and non-blocking except {@link #close()},
 * which waits for the node's threads to stop. Futures complete on the node's threads: do not block
 * in callbacks attached to them.
 *
 * <p><b>Outcomes.</b> {@link #submit} completes with the state machine's result once the command is
 * applied at this node (or, at a node without a learner, at a learner); exceptionally with {@link
 * io.paxos.core.NotLeaderException} or {@link io.paxos.core.OverloadedException} if it was not
 * proposed, or was proposed in a slot since chosen with another value by a new leader (either way
 * it was not chosen: safe to retry), {@link io.paxos.core.NoQuorumException} if it was not proposed
 * because the node knows it cannot reach a quorum (safe to retry), {@link
 * io.paxos.core.CommandTimeoutException} if its outcome is unknown after the command timeout,
 * {@link io.paxos.core.CommandFailedException} if the state machine threw applying it under {@link
 * ApplyFailurePolicy#FAIL_COMMAND}, {@link NodeClosedException} if the node closed or stopped. If
 * the node's storage fails, or its state machine under {@link ApplyFailurePolicy#STOP_NODE}, the
 * node stops: see {@link #status()}.
 */
public final class PaxosNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PaxosNode.class);

  private final int nodeId;
  private final ClusterConfig config;
  private final ProtocolOptions options;
  private final long clientId;
  // Whether this node has applied through a read index since it started (see read()).
  private volatile boolean sequentialFloorKnown;
  private final Storage storage;
  private final Transport transport;
  private final NodeObserver observer;
  private final WriteStages stages;
  private final NodeGauges gauges;
  private final Applier applier;
  private final AppliedJournal journal; // null: watching disabled, or no learner here
  private final LoopInbox inbox;
  private final EventLoop loop;
  private final Thread loopThread;
  private final Thread applyThread;
  private final NodeMonitor monitor;
  private final NodeStarted startedEvent;
  private final Snapshotter snapshotter;
  private final Completions commands;
  private final PendingCommands<Long, Long> reads = new PendingCommands<>("read");
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong readIds = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final int maxPending;
  private final long maxPendingBytes;
  // Payload bytes of the commands made at this node and not completed yet.
  private final AtomicLong pendingBytes = new AtomicLong();
  private final long commandTimeoutMs;
  private final boolean votes;

  private PaxosNode(Builder b) {
    this.nodeId = b.nodeId;
    this.config = b.config;
    this.options = b.options;
    this.storage = b.storage;
    this.transport = b.transport;
    this.maxPending = b.maxPendingCommands;
    this.maxPendingBytes = b.maxPendingBytes;
    this.commandTimeoutMs = b.commandTimeout.toMillis();
    this.clientId = new SecureRandom().nextLong() | 1L; // never 0
    this.commands = new Completions(clientId);
    this.observer = ObserverChain.forNode(nodeId, b.observers);
    this.stages = WriteStages.every(b.writeStageSampling, observer);
    // Only a learner applies, snapshots and restores. A node without one has no snapshot to restore
    // (its acceptor compacts on the learners' snapshots), so a state machine given to it is unused.
    StateMachine sm = config.member(nodeId).orElseThrow().has(Role.LEARNER) ? b.stateMachine : null;
    int[] learners = config.idsWith(Role.LEARNER); // ascending
    this.journal =
        sm != null && b.watchOptions.enabled() ? new AppliedJournal(nodeId, b.watchOptions) : null;
    this.inbox = new LoopInbox(b.maxInboxMessages);
    this.snapshotter =
        sm == null
            ? null
            : new Snapshotter(
                nodeId, storage.snapshots(), b.snapshotOptions, inbox::enqueue, observer);
    this.applier =
        new Applier(
            nodeId,
            sm,
            commands,
            id -> java.util.Arrays.binarySearch(learners, id) >= 0, // no Optional per command
            inbox,
            snapshotter,
            this::stopOnFailure,
            b.snapshotOptions,
            b.options.maxSessions(),
            journal,
            new ApplyFailures(nodeId, b.applyFailurePolicy, observer),
            stages);
    this.votes = BootstrapCheck.votes(nodeId, config.clusterId(), storage, b.bootstrap);
    DurableState durable = storage.load();
    if (sm != null) {
      durable = restoreSnapshot(durable);
      applier.replay(durable.chosen(), durable.compactedThrough() + 1);
    }
    ProtocolNode protocol =
        new ProtocolNode(
            nodeId,
            config,
            options,
            new SplittableRandom(System.nanoTime() ^ ((long) nodeId << 32) ^ clientId),
            durable,
            b.roles,
            votes,
            b.messageLimits);
    warnIfBeyondMaxRound(durable);
    long tick = Math.max(1, Math.min(10, options.heartbeatIntervalMs() / 5));
    NodeMonitor monitor =
        new NodeMonitor(protocol, observer, applier::appliedSlot, storage, stages);
    this.loop =
        new EventLoop(
            new EventLoop.Parts(
                inbox,
                protocol,
                stages.on() ? new TimedStorage(storage, stages) : storage,
                transport,
                applier,
                snapshotter,
                monitor,
                commands,
                reads,
                new QuorumContact(
                    nodeId, config, 2 * options.electionTimeoutMaxMs(), 0, monitor::reachable)),
            tick,
            b.commandTimeout.toMillis(),
            this::stopOnFailure);
    this.gauges = monitor;
    this.loopThread = new Thread(loop, "paxos-node-" + nodeId);
    this.applyThread = new Thread(applier, "paxos-apply-" + nodeId);
    loopThread.setDaemon(true);
    applyThread.setDaemon(true);
    this.monitor = monitor;
    this.startedEvent =
        new NodeStarted(
            nodeId,
            config.clusterId(),
            config.member(nodeId).orElseThrow().roles(),
            transport.memberAddresses(),
            storage.location(),
            sm != null ? durable.compactedThrough() : 0,
            sm != null ? applier.appliedSlot() : durable.nextChosenSlot() - 1);
  }

  /**
   * Build a node from {@code b}: open its state (load, restore the snapshot, replay the log), then
   * start its transport and threads. The node owns its storage and transport from here on: if
   * opening or starting fails, whatever it opened is closed (the storage and the transport too) and
   * the error is thrown.
   */
  private static PaxosNode open(Builder b) {
    PaxosNode node;
    try {
      node = new PaxosNode(b); // starts no thread
    } catch (RuntimeException | Error e) {
      closeAfterFailure(e, b.transport, b.storage);
      throw e;
    }
    try {
      node.start();
    } catch (RuntimeException | Error e) {
      node.shutdown("node " + node.nodeId + " failed to start: " + e);
      throw e;
    }
    return node;
  }

  private static void closeAfterFailure(Throwable failure, AutoCloseable... opened) {
    for (AutoCloseable c : opened) {
      try {
        c.close();
      } catch (Exception | Error e) {
        failure.addSuppressed(e);
      }
    }
  }

  /** Start the transport and the node's threads: the node runs from here on. */
  private void start() {
    observer.started(startedEvent, monitor);
    transport.observe(monitor.peerObserver());
    transport.start(inbox::receive);
    applyThread.start();
    loopThread.start();
  }

  /**
   * Restore the state machine from the newest valid snapshot, if there is one, and return the
   * durable state after it (the log to replay). The log must not be compacted beyond it.
   */
  private DurableState restoreSnapshot(DurableState durable) {
    Optional<SnapshotInfo> latest = storage.snapshots().latest();
    if (latest.isEmpty() || latest.get().slot() < durable.compactedThrough()) {
      if (durable.compactedThrough() > 0) {
        throw new StorageException(
            "node "
                + nodeId
                + "'s log was compacted through slot "
                + durable.compactedThrough()
                + " but no valid snapshot covers it (newest valid: "
                + latest.map(i -> "slot " + i.slot()).orElse("none")
                + "): the state cannot be rebuilt; restore the data directory from a copy");
      }
      return durable;
    }
    SnapshotInfo info = latest.get();
    try {
      applier.restore(storage.snapshots(), info);
    } catch (IOException e) {
      throw new StorageException(
          "cannot restore the snapshot of slot " + info.slot() + ": " + e, e);
    }
    if (info.slot() > durable.compactedThrough()) {
      storage.compact(info.slot());
      storage.sync();
    }
    return durable.afterSnapshot(info.slot());
  }

  /**
   * {@return a builder for a node} {@link Builder#config}, {@link Builder#nodeId}, {@link
   * Builder#transport} and, on a node hosting a learner, {@link Builder#stateMachine} are required.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** {@return this node's id in the cluster configuration} */
  public int id() {
    return nodeId;
  }

  /**
   * {@return this node's current values: ballot, commit and applied slots, log size, peers
   * reachable (for a status page; any thread)}
   */
  public NodeGauges gauges() {
    return gauges;
  }

  /** {@return the cluster configuration this node runs with} */
  public ClusterConfig config() {
    return config;
  }

  /**
   * {@return the protocol options this node runs with (its limits, such as the largest command)}
   */
  public ProtocolOptions options() {
    return options;
  }

  /**
   * {@return whether this node leads now: it holds a ballot a quorum promised, and is neither
   * closed nor failed} A moment's view: leadership may be lost right after.
   */
  public boolean isLeader() {
    return loop.isLeader() && failure.get() == null && !closed.get();
  }

  /** {@return the node believed to lead (this node if it leads), if one is known} */
  public OptionalInt leaderId() {
    int hint = loop.leaderHint();
    return hint == 0 ? OptionalInt.empty() : OptionalInt.of(hint);
  }

  /**
   * {@return whether this node votes; false if it serves as a learner only, having found its
   * storage without a bootstrap marker (see {@link Builder#bootstrap})}
   */
  public boolean votes() {
    return votes;
  }

  /** {@return a snapshot of this node's status, for a status page or a health check; any thread} */
  public NodeStatus status() {
    return new NodeStatus(
        nodeId,
        isLeader(),
        leaderId(),
        applier.appliedSlot(),
        Optional.ofNullable(failure.get()).map(Throwable::toString),
        !votes,
        applier.stateHash(),
        loop.ballot(),
        loop.commitSlot());
  }

  /**
   * Run {@code submits}, which submits (or reads) on this node, so that what it hands over wakes
   * the node's event loop once, when it returns, instead of at its first command: the loop then
   * takes the batch in one turn, not in pieces. For a caller that receives requests in batches (a
   * server decoding a frame of them). Only this thread's calls are held back, and only while {@code
   * submits} runs; if another thread is doing the same, it runs as it would without this.
   *
   * @param submits calls {@code submit} or {@code read} on this node, on the calling thread
   */
  public void submitTogether(Runnable submits) {
    inbox.inOneWakeup(submits);
  }

  /**
   * Replicate {@code command} and apply it to every learner's state machine.
   *
   * @param command opaque bytes for {@link StateMachine#apply}; must not be changed afterwards
   * @return the result of applying it, from this node's state machine when it hosts a learner
   * @throws NullPointerException if {@code command} is null
   * @throws IllegalArgumentException if it is larger than {@link ProtocolOptions#maxCommandBytes()}
   */
  public CompletableFuture<byte[]> submit(byte[] command) {
    return submit(command, new CompletableFuture<>());
  }

  /**
   * {@link #submit(byte[])}, also telling the slot the command was applied in: a token to hand to
   * {@link #read(byte[], Consistency, long)} at any node so as to read this write.
   *
   * @param command opaque bytes for {@link StateMachine#apply}; must not be changed afterwards
   * @return completes with the slot and the result, or exceptionally as {@link #submit(byte[])}'s
   *     future does
   */
  public CompletableFuture<SlotResult> submitWithSlot(byte[] command) {
    SlotFuture future = new SlotFuture();
    submit(command, future);
    return withSlot(future);
  }

  private CompletableFuture<byte[]> submit(byte[] command, CompletableFuture<byte[]> future) {
    Objects.requireNonNull(command, "command");
    checkSize(command);
    if (!usable(future) || !admit(future, command.length)) {
      return future;
    }
    holdBytes(future, command.length);
    long seq = sequence.incrementAndGet();
    commands.local.put(seq, future);
    if (stages.on() && loop.isLeader()) {
      stages.submitted(clientId, seq);
    }
    inbox.enqueue(new LoopInput.Submit(new Command(nodeId, clientId, seq, command)));
    return future;
  }

  /**
   * Replicate {@code command} on behalf of a remote client session (for example the gRPC client):
   * the replicated state keeps a deduplication table, so a {@code (clientId, sequence)} is applied
   * at most once and sending it again (after a timeout or a failover, to this node or another)
   * returns the result of its one application. Retries made at this node while the first attempt is
   * pending share its future.
   *
   * @param clientId the session, non-zero and random: two clients never share one
   * @param sequence the session's number for this command, from 1; a retry reuses it
   * @param acknowledgedBelow the lowest sequence the client has not yet seen a reply for (at least
   *     1, at most {@code sequence}, and {@code sequence - acknowledgedBelow} below {@value
   *     io.paxos.core.protocol.SessionTable#MAX_RESULTS}); the client promises never to send
   *     anything below it again. The bound is on the span of sequence numbers, not on the count of
   *     unanswered commands: the deduplication table keeps the results of the {@value
   *     io.paxos.core.protocol.SessionTable#MAX_RESULTS} sequences from the floor up, answered or
   *     not, and forgets the oldest beyond that, so a command left behind by a wider span could
   *     never be applied or answered again. One slow command therefore holds the client's window
   *     until it completes.
   * @param command opaque bytes for {@link StateMachine#apply}; must not be changed afterwards
   * @return completes with the result of the command's one application, or exceptionally as {@link
   *     #submit(byte[])}'s future does
   * @throws IllegalArgumentException if the numbers break these rules
   */
  public CompletableFuture<byte[]> submit(
      long clientId, long sequence, long acknowledgedBelow, byte[] command) {
    return submit(clientId, sequence, acknowledgedBelow, command, new CompletableFuture<>());
  }

  /**
   * {@link #submit(long, long, long, byte[])}, also telling the slot the command was applied in
   * (for a retry answered from the deduplication table, the slot the retry was ordered in, which is
   * later): a token to hand to {@link #read(byte[], Consistency, long)} at any node.
   *
   * @param clientId the session, as for {@link #submit(long, long, long, byte[])}
   * @param sequence the session's number for this command
   * @param acknowledgedBelow the lowest sequence the client has not yet seen a reply for
   * @param command opaque bytes for {@link StateMachine#apply}
   * @return completes with the slot and the result
   * @throws IllegalArgumentException if the numbers break the rules of {@link #submit(long, long,
   *     long, byte[])}
   */
  public CompletableFuture<SlotResult> submitWithSlot(
      long clientId, long sequence, long acknowledgedBelow, byte[] command) {
    return withSlot(submit(clientId, sequence, acknowledgedBelow, command, new SlotFuture()));
  }

  private CompletableFuture<byte[]> submit(
      long clientId,
      long sequence,
      long acknowledgedBelow,
      byte[] command,
      CompletableFuture<byte[]> future) {
    Objects.requireNonNull(command, "command");
    checkSize(command);
    if (clientId == 0 || clientId == this.clientId) {
      throw new IllegalArgumentException("session client id " + clientId + " is reserved");
    }
    if (sequence < 1 || acknowledgedBelow < 1 || acknowledgedBelow > sequence) {
      throw new IllegalArgumentException(
          "need 1 <= acknowledgedBelow <= sequence, got sequence "
              + sequence
              + " and acknowledgedBelow "
              + acknowledgedBelow);
    }
    if (sequence - acknowledgedBelow >= io.paxos.core.protocol.SessionTable.MAX_RESULTS) {
      throw new IllegalArgumentException(
          "sequence "
              + sequence
              + " is "
              + (sequence - acknowledgedBelow)
              + " above acknowledgedBelow "
              + acknowledgedBelow
              + "; a session may span at most "
              + io.paxos.core.protocol.SessionTable.MAX_RESULTS
              + " sequences: wait for the oldest unanswered command before sending new ones");
    }
    if (!usable(future) || !admit(future, command.length)) {
      return future;
    }
    future = commands.sessions.putIfAbsent(new Completions.SessionKey(clientId, sequence), future);
    holdBytes(future, command.length); // a retry's bytes are held until the first attempt is done
    if (stages.on() && loop.isLeader()) {
      stages.submitted(clientId, sequence);
    }
    inbox.enqueue(
        new LoopInput.Submit(new Command(nodeId, clientId, sequence, acknowledgedBelow, command)));
    return future;
  }

  /**
   * Run a read-only {@code query} against the state machine at the given consistency.
   *
   * @param query opaque bytes for {@link StateMachine#query}; must not be changed afterwards
   * @param consistency how fresh the answer must be (see {@link Consistency})
   * @return completes with the state machine's answer, or exceptionally with a {@link
   *     io.paxos.core.PaxosException} (not the leader, timed out, closed)
   * @throws IllegalStateException if this node hosts no learner (it has no state machine)
   */
  public CompletableFuture<byte[]> read(byte[] query, Consistency consistency) {
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    read(query, consistency, 0, result);
    return result;
  }

  /**
   * Run a read-only {@code query} at the given consistency once this node has applied every slot
   * through {@code minSlot} as well: with the slot of a write or read seen at any node (a {@link
   * SlotResult}), the read sees at least that state, whichever node served it (read-your-writes,
   * monotonic reads). The result tells the slot the query ran at, at least {@code minSlot}.
   *
   * <p>A slot this node has not applied yet is waited for, up to the command timeout; then the
   * future fails with {@link io.paxos.core.CommandTimeoutException} (this node lags, is cut off
   * from the cluster, or {@code minSlot} was never chosen): try another node, or later.
   *
   * @param query opaque bytes for {@link StateMachine#query}; must not be changed afterwards
   * @param consistency how fresh the answer must be (see {@link Consistency})
   * @param minSlot at least 0; 0 adds nothing to the consistency's own rule
   * @return completes with the answer and the slot the query ran at
   * @throws IllegalArgumentException if {@code minSlot} is negative
   * @throws IllegalStateException if this node hosts no learner (it has no state machine)
   */
  public CompletableFuture<SlotResult> read(byte[] query, Consistency consistency, long minSlot) {
    if (minSlot < 0) {
      throw new IllegalArgumentException("minSlot must not be negative, was " + minSlot);
    }
    SlotFuture result = new SlotFuture();
    read(query, consistency, minSlot == Long.MAX_VALUE ? minSlot : minSlot + 1, result);
    if (minSlot > applier.appliedSlot()) {
      result.orTimeout(commandTimeoutMs, java.util.concurrent.TimeUnit.MILLISECONDS);
    }
    CompletableFuture<SlotResult> out = new CompletableFuture<>();
    result.whenComplete(
        (r, error) -> {
          if (error == null) {
            out.complete(new SlotResult(Math.max(result.slot, minSlot), r));
          } else if (error instanceof java.util.concurrent.TimeoutException) {
            out.completeExceptionally(
                new io.paxos.core.CommandTimeoutException(
                    "node "
                        + nodeId
                        + " had not applied slot "
                        + minSlot
                        + " after "
                        + commandTimeoutMs
                        + " ms (it has applied through "
                        + applier.appliedSlot()
                        + "); read at another node or retry later"));
          } else {
            out.completeExceptionally(error);
          }
        });
    return out;
  }

  /**
   * Read once every slot below {@code minIndex} is applied here and the consistency's rule holds.
   */
  private void read(
      byte[] query, Consistency consistency, long minIndex, CompletableFuture<byte[]> result) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(consistency, "consistency");
    if (!config.member(nodeId).orElseThrow().has(Role.LEARNER)) {
      throw new IllegalStateException(
          "node "
              + nodeId
              + " hosts no learner, so it has no state machine to read; read from one"
              + " of the learners "
              + java.util.Arrays.toString(config.idsWith(Role.LEARNER)));
    }
    if (!usable(result)) {
      return;
    }
    if (consistency == Consistency.STALE
        || (consistency == Consistency.SEQUENTIAL && sequentialFloorKnown)) {
      applier.read(minIndex, query, result);
      return;
    }
    // This node may have applied more before a crash than its log replays (chosen values are
    // applied before they are synced): SEQUENTIAL reads wait for a read index until one read has,
    // after which what it applied covers all it could have returned before.
    if (!sequentialFloorKnown) {
      result.thenRun(() -> sequentialFloorKnown = true);
    }
    long readId = readIds.incrementAndGet();
    if (consistency == Consistency.LEASE) {
      readId |= ProtocolNode.LEASE_READ; // the leader may use its lease
    }
    CompletableFuture<Long> index = new CompletableFuture<>();
    reads.put(readId, index);
    index.whenComplete(
        (readIndex, error) -> {
          if (error != null) {
            result.completeExceptionally(error);
          } else {
            applier.read(Math.max(readIndex, minIndex), query, result);
          }
        });
    inbox.enqueue(new LoopInput.Read(readId));
  }

  /**
   * Watch the commands this node applies, from {@code fromSlot} on: each applied command with its
   * result, in slot order, each once (see {@link Watch}). A slot this node has not applied yet is
   * reported once it is; to resume after a restart, or at another node, watch again from the last
   * watch's {@link Watch#nextSlot()}. Close the watch when done.
   *
   * @param fromSlot the first slot to report; 0 (there is no slot 0) is slot 1: from the first slot
   *     chosen, which a node retains unless it was compacted
   * @return the watch, owned by the caller, who closes it
   * @throws IllegalArgumentException if {@code fromSlot} is negative
   * @throws IllegalStateException if this node hosts no learner, or keeps no watch history ({@link
   *     Builder#watchHistory})
   * @throws io.paxos.core.SlotUnavailableException if {@code fromSlot} is older than the oldest
   *     slot this node still retains (which the exception tells)
   * @throws NodeClosedException if the node is closed
   */
  public Watch watch(long fromSlot) {
    if (fromSlot < 0) {
      throw new IllegalArgumentException("fromSlot must not be negative, was " + fromSlot);
    }
    if (journal == null) {
      throw new IllegalStateException(
          config.member(nodeId).orElseThrow().has(Role.LEARNER)
              ? "node "
                  + nodeId
                  + " keeps no history of applied commands: enable it with"
                  + " PaxosNode.Builder.watchHistory(WatchOptions.defaults())"
              : "node "
                  + nodeId
                  + " hosts no learner, so it applies nothing to watch; watch one of the learners "
                  + java.util.Arrays.toString(config.idsWith(Role.LEARNER)));
    }
    Throwable failed = failure.get();
    if (failed != null || closed.get()) {
      throw new NodeClosedException(
          "node "
              + nodeId
              + (failed != null ? " stopped after a failure: " + failed : " is closed"));
    }
    return journal.open(Math.max(1, fromSlot));
  }

  /**
   * {@return the oldest slot a watch may start at here (for tests and status); 0 if it cannot be
   * watched}
   */
  public long oldestWatchableSlot() {
    return journal == null ? 0 : journal.first();
  }

  /** {@return the watches open at this node now (0 without a watch history); any thread} */
  public int openWatches() {
    return journal == null ? 0 : journal.openWatches();
  }

  /** The result of {@code future} with the slot it learned (see {@link SlotFuture}). */
  private CompletableFuture<SlotResult> withSlot(CompletableFuture<byte[]> future) {
    return future.thenApply(
        r ->
            new SlotResult(
                future instanceof SlotFuture f && f.slot > 0 ? f.slot : applier.appliedSlot(), r));
  }

  private void checkSize(byte[] command) {
    if (command.length > options.maxCommandBytes()) {
      throw new IllegalArgumentException(
          "command of "
              + command.length
              + " bytes exceeds maxCommandBytes "
              + options.maxCommandBytes()
              + "; split it or raise the limit in ProtocolOptions");
    }
  }

  /**
   * Refuse a command when too many commands or bytes are pending here (bounded memory under
   * overload); otherwise reserve its {@code bytes}, which {@link #holdBytes} gives back when the
   * command completes. A single command is always admitted when nothing else is pending.
   */
  private boolean admit(CompletableFuture<?> future, int bytes) {
    if (commands.size() >= maxPending) {
      future.completeExceptionally(
          new io.paxos.core.OverloadedException(
              maxPending + " commands are already pending at node " + nodeId + "; retry later"));
      return false;
    }
    long after = pendingBytes.addAndGet(bytes);
    if (after > maxPendingBytes && after != bytes) {
      pendingBytes.addAndGet(-bytes);
      future.completeExceptionally(
          new io.paxos.core.OverloadedException(
              (after - bytes)
                  + " bytes of commands are already pending at node "
                  + nodeId
                  + " (maxPendingBytes "
                  + maxPendingBytes
                  + "); retry later"));
      return false;
    }
    return true;
  }

  /** Give the {@code bytes} reserved by {@link #admit} back when {@code future} completes. */
  private void holdBytes(CompletableFuture<?> future, int bytes) {
    future.whenComplete((r, e) -> pendingBytes.addAndGet(-bytes));
  }

  /**
   * {@return the payload bytes of the commands made at this node that have not completed} A gauge,
   * bounded by {@link Builder#maxPendingBytes}.
   */
  public long pendingCommandBytes() {
    return pendingBytes.get();
  }

  private boolean usable(CompletableFuture<?> future) {
    Throwable failed = failure.get();
    if (failed != null) {
      future.completeExceptionally(
          new NodeClosedException("node " + nodeId + " stopped after a failure: " + failed));
      return false;
    }
    if (closed.get()) {
      future.completeExceptionally(new NodeClosedException("node " + nodeId + " is closed"));
      return false;
    }
    return true;
  }

  private void stopOnFailure(Throwable error) {
    if (failure.compareAndSet(null, error)) {
      observer.nodeFailed(error);
      if (error instanceof StorageException) {
        // Its message says what failed, with the cause, and what to do: one line for an operator.
        log.error("node {} stops: {}", nodeId, error.getMessage());
        log.debug("node {} stops on this storage failure", nodeId, error);
      } else {
        log.error("node {} stops: {}", nodeId, error.toString(), error);
      }
      Thread stopper = new Thread(() -> shutdown("node stopped after a failure: " + error));
      stopper.setName("paxos-stop-" + nodeId);
      stopper.setDaemon(true);
      stopper.start();
    }
  }

  /**
   * A promise or round beyond {@link Ballot#MAX_ROUND} on disk was persisted by a build without
   * message bounds, from a forged or broken message. The node runs on (no crash at every start):
   * its acceptor refuses every ballot below the promise, and its proposer does not campaign; one
   * ERROR line says so.
   */
  private void warnIfBeyondMaxRound(DurableState durable) {
    if (durable.promised().round() > Ballot.MAX_ROUND || durable.maxRound() > Ballot.MAX_ROUND) {
      log.error(
          "node {}: its storage holds promise {} and round {}, beyond the maximum round {}; it"
              + " votes for no ballot below that promise and campaigns no more (see"
              + " docs/bounds.md to recover)",
          nodeId,
          durable.promised(),
          durable.maxRound(),
          Ballot.MAX_ROUND);
    }
  }

  /** Stop the node: no more messages are sent or received; pending futures fail. Idempotent. */
  @Override
  public void close() {
    shutdown("node " + nodeId + " closed");
  }

  private void shutdown(String why) {
    if (!closed.compareAndSet(false, true)) {
      joinThreads();
      return;
    }
    transport.close();
    loop.stop();
    applier.stop();
    joinThreads();
    if (snapshotter != null) {
      snapshotter.close();
    }
    loop.failPending(why);
    if (journal != null) {
      journal.close(why);
    }
    storage.close();
    observer.stopped(why);
  }

  private void joinThreads() {
    for (Thread t : new Thread[] {loopThread, applyThread}) {
      if (t != Thread.currentThread()) {
        try {
          t.join();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** The default bound on pending command bytes at one node: 256 MiB. */
  public static final long DEFAULT_MAX_PENDING_BYTES = 256L << 20;

  /** Builds and starts a {@link PaxosNode}. */
  public static final class Builder {
    private ClusterConfig config;
    private final List<NodeObserver> observers = new ArrayList<>();
    private int nodeId;
    private StateMachine stateMachine;
    private Transport transport;
    private Storage storage;
    private ProtocolOptions options = ProtocolOptions.defaults();
    private RoleFactory roles = RoleFactory.DEFAULT;
    private Duration commandTimeout = Duration.ofSeconds(30);
    private int maxPendingCommands = 200_000;
    private long maxPendingBytes = DEFAULT_MAX_PENDING_BYTES;
    private int maxInboxMessages = 1_000_000;
    private SnapshotOptions snapshotOptions = SnapshotOptions.defaults();
    private WatchOptions watchOptions = WatchOptions.disabled();
    private Bootstrap bootstrap;
    private MessageLimits messageLimits = MessageLimits.DEFAULTS;
    private ApplyFailurePolicy applyFailurePolicy = ApplyFailurePolicy.STOP_NODE;
    private int writeStageSampling;

    private Builder() {}

    /**
     * Sets how many writes in one this node times stage by stage through its write path and reports
     * to its observers ({@link NodeObserver#writeStep}): every {@code every}-th slot (by slot
     * number, so every node samples the same slots) and, for the leader's queue, every {@code
     * every}-th command (by sequence number). 0, the default, samples nothing and costs one branch
     * per hook. Each step is timed with this JVM's clock only; see {@link
     * io.paxos.core.observe.WriteStep} for the stages.
     *
     * @param every 0 (off), or sample one write in {@code every}, at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code every} is negative
     */
    public Builder writeStageSampling(int every) {
      if (every < 0) {
        throw new IllegalArgumentException(
            "writeStageSampling must be 0 (off) or at least 1 (one write in N), was " + every);
      }
      this.writeStageSampling = every;
      return this;
    }

    /**
     * Sets what the node does when its state machine throws applying a command ({@link
     * ApplyFailurePolicy#STOP_NODE} unless set): stop, or fail the command and go on. Every node of
     * the cluster must be given the same policy; see {@link StateMachine} for what {@link
     * ApplyFailurePolicy#FAIL_COMMAND} asks of the state machine.
     *
     * @param policy the policy; not null
     * @return this builder
     */
    public Builder applyFailures(ApplyFailurePolicy policy) {
      this.applyFailurePolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets whether this node is one of the first members of a new cluster ({@link Bootstrap#NEW}:
     * an empty storage is marked and votes) or a member of a cluster that may have chosen values
     * already ({@link Bootstrap#EXISTING}: a storage without the mark serves as a learner only). A
     * marked storage votes either way. Give NEW only on the first start of a new cluster's members:
     * a member restarted with NEW on a lost disk votes with a forgotten state.
     *
     * <p>The default is EXISTING for a node given a {@link #storage}, and NEW for a node given none
     * (its default in-memory storage is new with every build and forgets everything at a restart:
     * fine for tests, unsafe in production).
     *
     * @param bootstrap {@link Bootstrap#NEW} or {@link Bootstrap#EXISTING}; not null
     * @return this builder
     */
    public Builder bootstrap(Bootstrap bootstrap) {
      this.bootstrap = Objects.requireNonNull(bootstrap, "bootstrap");
      return this;
    }

    /**
     * Sets the cluster's membership (required); every member must be given the same.
     *
     * @param config the configuration; not null
     * @return this builder
     */
    public Builder config(ClusterConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Sets which member this node is (required).
     *
     * @param nodeId an id of {@link #config}'s members
     * @return this builder
     */
    public Builder nodeId(int nodeId) {
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets the state machine: required on nodes that host a learner; unused on the others (they
     * apply nothing).
     *
     * @param stateMachine the application's state machine, in its empty state; the node calls it on
     *     its apply thread only
     * @return this builder
     */
    public Builder stateMachine(StateMachine stateMachine) {
      this.stateMachine = Objects.requireNonNull(stateMachine, "stateMachine");
      return this;
    }

    /**
     * Sets how this node reaches its peers (required).
     *
     * @param transport the transport, owned by the node from now on: it closes it
     * @return this builder
     */
    public Builder transport(Transport transport) {
      this.transport = Objects.requireNonNull(transport, "transport");
      return this;
    }

    /**
     * Also report this node's events and values to {@code observer} (metrics, say); may be called
     * more than once. Every node has a {@link LoggingObserver}, called first. See {@link
     * NodeObserver} for what an observer must not do.
     *
     * @param observer the observer; not null
     * @return this builder
     */
    public Builder observer(NodeObserver observer) {
      observers.add(Objects.requireNonNull(observer, "observer"));
      return this;
    }

    /**
     * Sets where durable state lives; defaults to {@link InMemoryStorage} (nothing survives the
     * JVM). Use {@link io.paxos.core.storage.FileStorage#open} for a node whose votes must survive
     * a restart. The node closes the storage when it closes.
     *
     * @param storage the storage, owned by the node from now on; not null
     * @return this builder
     */
    public Builder storage(Storage storage) {
      this.storage = Objects.requireNonNull(storage, "storage");
      return this;
    }

    /**
     * Sets the protocol's timings and limits ({@link ProtocolOptions#defaults()} unless set). The
     * options that shape the replicated state (such as {@link ProtocolOptions#maxSessions()}) must
     * be the same at every node.
     *
     * @param options the options; not null
     * @return this builder
     */
    public Builder options(ProtocolOptions options) {
      this.options = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets when this node snapshots its state machine and compacts its log ({@link
     * SnapshotOptions#defaults()} unless set; {@link SnapshotOptions#disabled()} keeps the whole
     * log). Snapshots go to the storage's {@link Storage#snapshots()}.
     *
     * @param options the snapshot policy; not null
     * @return this builder
     */
    public Builder snapshots(SnapshotOptions options) {
      this.snapshotOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Sets how much history of applied commands this node keeps for {@link PaxosNode#watch} ({@link
     * WatchOptions#disabled()} unless set: the node cannot be watched, and applying costs nothing
     * more). Only a node hosting a learner keeps one.
     *
     * @param options the history bounds; not null
     * @return this builder
     */
    public Builder watchHistory(WatchOptions options) {
      this.watchOptions = Objects.requireNonNull(options, "options");
      return this;
    }

    /**
     * Plug in another implementation of a role: for the library's own tests (mutants of a role, in
     * the simulator). {@link RoleFactory} is in an internal package; applications keep the default.
     *
     * @param roles makes this node's roles; not null
     * @return this builder
     */
    public Builder roles(RoleFactory roles) {
      this.roles = Objects.requireNonNull(roles, "roles");
      return this;
    }

    /**
     * Sets how long a command or read may stay unresolved before it fails as timed out.
     *
     * @param timeout the timeout, positive
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("command timeout must be positive, was " + timeout);
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Sets the most commands made at this node that may be pending; more are refused.
     *
     * @param max the limit, at least 1
     * @return this builder
     */
    public Builder maxPendingCommands(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingCommands must be positive, was " + max);
      }
      this.maxPendingCommands = max;
      return this;
    }

    /**
     * Sets the most payload bytes of commands made at this node that may be pending (submitted, not
     * yet applied or failed); more are refused with {@link io.paxos.core.OverloadedException}.
     * {@link #DEFAULT_MAX_PENDING_BYTES} by default; at least {@link
     * ProtocolOptions#maxCommandBytes()}.
     *
     * @param max the limit in bytes, at least 1
     * @return this builder
     */
    public Builder maxPendingBytes(long max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxPendingBytes must be positive, was " + max);
      }
      this.maxPendingBytes = max;
      return this;
    }

    /**
     * Sets how far messages from peers may reach beyond this node's log, and how much they may
     * carry or ask for ({@link MessageLimits#defaults()} unless set); a message beyond them is
     * refused and dropped (see {@code docs/bounds.md}).
     *
     * @param limits the limits; not null
     * @return this builder
     */
    public Builder messageLimits(MessageLimits limits) {
      this.messageLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Validate the settings, open the node's state (load the storage, restore the newest snapshot,
     * replay the log) and start it. The node owns the storage and the transport from here on:
     * {@link PaxosNode#close()} closes them, and so does a build that fails while opening or
     * starting (a log whose replay throws, say), so that nothing it opened is left behind.
     *
     * @return the started node
     * @throws IllegalStateException if a required setting is missing
     * @throws IllegalArgumentException if {@link #nodeId} is not a member, or the settings
     *     contradict each other: options whose largest message exceeds the transport's, or a {@link
     *     #maxPendingBytes} below the largest command
     * @throws io.paxos.core.storage.StorageException if the storage cannot be loaded
     */
    public PaxosNode build() {
      if (config == null) {
        throw new IllegalStateException("config(...) is required: the cluster's membership");
      }
      Member me =
          config
              .member(nodeId)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "node id "
                              + nodeId
                              + " is not a member of cluster "
                              + config.clusterId()
                              + "; members are "
                              + java.util.Arrays.toString(config.ids())));
      if (transport == null) {
        throw new IllegalStateException("transport(...) is required: how nodes reach each other");
      }
      if (options.maxMessageBytes() > transport.maxMessageBytes()) {
        throw new IllegalArgumentException(
            "ProtocolOptions.maxMessageBytes "
                + options.maxMessageBytes()
                + " exceeds the largest message the transport carries ("
                + transport.maxMessageBytes()
                + " bytes): its peers would refuse what this node builds; lower maxMessageBytes"
                + " or raise the transport's limit (PaxosServer maxInboundMessageBytes)");
      }
      if (maxPendingBytes < options.maxCommandBytes()) {
        throw new IllegalArgumentException(
            "maxPendingBytes "
                + maxPendingBytes
                + " is below ProtocolOptions.maxCommandBytes "
                + options.maxCommandBytes());
      }
      if (me.has(Role.LEARNER) && stateMachine == null) {
        throw new IllegalStateException(
            "stateMachine(...) is required: node " + nodeId + " hosts a learner");
      }
      if (storage == null) {
        storage = new InMemoryStorage();
        bootstrap = bootstrap == null ? Bootstrap.NEW : bootstrap;
      }
      bootstrap = bootstrap == null ? Bootstrap.EXISTING : bootstrap;
      // A snapshot chunk travels in one message too.
      int chunkLimit = options.maxMessageBytes() - ProtocolOptions.MESSAGE_OVERHEAD_BYTES;
      if (snapshotOptions.chunkBytes() > chunkLimit) {
        snapshotOptions =
            new SnapshotOptions(
                snapshotOptions.intervalSlots(), snapshotOptions.intervalBytes(), chunkLimit);
      }
      return open(this);
    }
  }
}
