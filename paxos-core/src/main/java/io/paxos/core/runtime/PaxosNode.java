package io.paxos.core.runtime;

import io.paxos.core.Consistency;
import io.paxos.core.NodeClosedException;
import io.paxos.core.SlotResult;
import io.paxos.core.StateMachine;
import io.paxos.core.Watch;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.Role;
import io.paxos.core.observe.NodeGauges;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.NodeStarted;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.Storage;
import io.paxos.core.storage.StorageException;
import io.paxos.core.transport.Transport;
import java.security.SecureRandom;
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
  private final Admission admission;
  private final Reads reads;
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final boolean votes;
  private final AppliedMembership appliedMembership;

  private PaxosNode(PaxosNodeBuilder b) {
    this.nodeId = b.nodeId;
    this.config = b.config;
    this.options = b.options;
    this.storage = b.storage;
    this.transport = b.transport;
    this.clientId = new SecureRandom().nextLong() | 1L; // never 0
    this.commands = new Completions(clientId);
    this.admission =
        new Admission(nodeId, options, commands, b.maxPendingCommands, b.maxPendingBytes);
    this.observer = ObserverChain.forNode(nodeId, b.observers);
    this.stages = WriteStages.every(b.writeStageSampling, observer);
    // Only a learner applies, snapshots and restores. A node without one has no snapshot to restore
    // (its acceptor compacts on the learners' snapshots), so a state machine given to it is unused.
    StateMachine sm = config.member(nodeId).orElseThrow().has(Role.LEARNER) ? b.stateMachine : null;
    this.appliedMembership = new AppliedMembership(Membership.initial(config));
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
            appliedMembership,
            inbox,
            snapshotter,
            this::stopOnFailure,
            b.snapshotOptions,
            b.options.maxSessions(),
            journal,
            new ApplyFailures(nodeId, b.applyFailurePolicy, observer),
            stages);
    this.reads =
        new Reads(nodeId, config, applier, inbox, b.commandTimeout.toMillis(), this::usable);
    this.votes = BootstrapCheck.votes(nodeId, config.clusterId(), storage, b.bootstrap);
    DurableState durable = storage.load();
    Membership start = Membership.initial(config);
    if (sm != null) {
      durable = Recovery.restoreSnapshot(nodeId, storage, applier, durable);
      start = appliedMembership.current(); // the snapshot's; the log after it is followed below
      applier.replay(durable.chosen(), durable.compactedThrough() + 1);
    }
    ProtocolNode protocol =
        new ProtocolNode(
            nodeId,
            start,
            config.member(nodeId).orElseThrow(),
            options,
            new SplittableRandom(System.nanoTime() ^ ((long) nodeId << 32) ^ clientId),
            durable,
            b.roles,
            votes,
            b.messageLimits);
    Recovery.warnIfBeyondMaxRound(nodeId, durable);
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
                reads.pending,
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
  static PaxosNode open(PaxosNodeBuilder b) {
    PaxosNode node;
    try {
      node = new PaxosNode(b); // starts no thread
    } catch (RuntimeException | Error e) {
      Recovery.closeAfterFailure(e, b.transport, b.storage);
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

  /** Start the transport and the node's threads: the node runs from here on. */
  private void start() {
    observer.started(startedEvent, monitor);
    transport.observe(monitor.peerObserver());
    transport.start(inbox::receive);
    applyThread.start();
    loopThread.start();
  }

  /**
   * {@return a builder for a node} {@link PaxosNodeBuilder#config}, {@link
   * PaxosNodeBuilder#nodeId}, {@link PaxosNodeBuilder#transport} and, on a node hosting a learner,
   * {@link PaxosNodeBuilder#stateMachine} are required.
   */
  public static PaxosNodeBuilder builder() {
    return new PaxosNodeBuilder();
  }

  /** {@return this node's id in the cluster configuration} */
  public int id() {
    return nodeId;
  }

  /**
   * {@return this node's current values: term round, commit and applied slots, log size, peers
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
   * storage without a bootstrap marker (see {@link PaxosNodeBuilder#bootstrap})}
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
        Terms.of(loop.ballot()),
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
    admission.checkSize(command);
    if (!usable(future) || !admission.admit(future, command.length)) {
      return future;
    }
    admission.holdBytes(future, command.length);
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
    admission.checkSize(command);
    Admission.checkSession(clientId, sequence, acknowledgedBelow, this.clientId);
    if (!usable(future) || !admission.admit(future, command.length)) {
      return future;
    }
    future = commands.sessions.putIfAbsent(new Completions.SessionKey(clientId, sequence), future);
    admission.holdBytes(
        future, command.length); // a retry's bytes are held until the first attempt is done
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
    reads.read(query, consistency, 0, result);
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
    return reads.readAtSlot(query, consistency, minSlot);
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
   *     PaxosNodeBuilder#watchHistory})
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
                  + " PaxosNode.builder().watchHistory(WatchOptions.defaults())"
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

  /**
   * {@return the payload bytes of the commands made at this node that have not completed} A gauge,
   * bounded by {@link PaxosNodeBuilder#maxPendingBytes}.
   */
  public long pendingCommandBytes() {
    return admission.pendingBytes();
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
}
