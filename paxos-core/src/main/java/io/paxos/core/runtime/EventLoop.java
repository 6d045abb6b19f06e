package io.paxos.core.runtime;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.NoQuorumException;
import io.paxos.core.NodeClosedException;
import io.paxos.core.NotLeaderException;
import io.paxos.core.OverloadedException;
import io.paxos.core.PaxosException;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.OutboxCarrier;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.host.StorageWriter;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.storage.Storage;
import io.paxos.core.transport.Transport;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's event loop: the one thread that owns the {@link ProtocolNode}, the {@link Storage} and
 * the sending side of the {@link Transport}. Each turn it drains a batch of inputs, ticks the
 * timers, flushes the protocol, then has its {@link OutboxCarrier} carry out the outbox in the
 * order the durability rule demands: write and sync storage once for the whole batch (group
 * commit), and only then send messages (including those to itself) and settle futures; deliveries
 * go to the apply thread at once. With a storage that forces a disk the writes run on a {@link
 * StorageThread}, and the carrier holds a batch until its ticket is done.
 *
 * <p>Snapshots: the loop does no snapshot I/O. It hands requests and chunks of snapshot transfers
 * to the {@link Snapshotter}, and when the snapshotter reports a snapshot durable it compacts the
 * protocol and the storage below it (and, for one received from a peer, moves the learner past it
 * and queues its installation on the apply thread, in order with the deliveries). On a node with an
 * acceptor but no learner, the acceptor compacts when a majority of the learners announce durable
 * snapshots; the outbox carries that compaction ({@link Outbox#compaction()}), which the carrier
 * persists with the batch's other state, before the sync and the sends.
 *
 * <p>No quorum: at every tick it asks its {@link QuorumContact} whether the node knows it cannot
 * reach a quorum. While it cannot, commands submitted here fail at once with {@link
 * NoQuorumException} (not proposed) instead of waiting out the command timeout. Commands already
 * pending keep waiting: they may have been proposed (forwarded to a leader that is gone), so only
 * the timeout can tell their caller that their outcome is unknown.
 */
final class EventLoop implements Runnable, OutboxCarrier.Effects {
  private static final Logger log = LoggerFactory.getLogger(EventLoop.class);
  private static final int MAX_INPUTS_PER_TURN = 4096;

  private final int nodeId;
  private final ProtocolNode protocol;
  private final Transport transport;
  private final Applier applier;
  private final Completions commands;
  private final PendingCommands<Long, Long> reads;
  private final long tickIntervalMs;
  private final long timeoutMs;
  private final Consumer<Throwable> onFailure;
  private final Snapshotter snapshotter; // null on a node without a learner
  private final NodeMonitor monitor;
  private QuorumContact quorum;
  private final MembershipFollower membership;
  private String noQuorum; // why the node cannot reach a quorum, as of the last tick; null: it may
  private final long startNanos = System.nanoTime();

  private final StorageWriter writer;
  private final OutboxCarrier carrier;
  private final AtomicBoolean writtenSignalled = new AtomicBoolean();

  private final LoopInbox inbox;
  private final ArrayDeque<Message> loopback = new ArrayDeque<>();
  private final Outbox out = new Outbox();
  private volatile boolean running = true;
  private volatile boolean leader;
  private volatile int leaderHint;
  private volatile Ballot ballot = Ballot.ZERO;
  private volatile long commitSlot;
  private long nextTickMs;

  /** The loop's collaborators, built before it (the snapshotter is null without a learner). */
  record Parts(
      LoopInbox inbox,
      ProtocolNode protocol,
      Storage storage,
      Transport transport,
      Applier applier,
      Snapshotter snapshotter,
      NodeMonitor monitor,
      Completions commands,
      PendingCommands<Long, Long> reads,
      QuorumContact quorum,
      MembershipFollower membership) {}

  EventLoop(Parts parts, long tickIntervalMs, long timeoutMs, Consumer<Throwable> onFailure) {
    this.inbox = parts.inbox();
    this.protocol = parts.protocol();
    this.nodeId = protocol.id();
    this.transport = parts.transport();
    this.applier = parts.applier();
    this.snapshotter = parts.snapshotter();
    this.monitor = parts.monitor();
    this.commands = parts.commands();
    this.reads = parts.reads();
    this.quorum = parts.quorum();
    this.membership = parts.membership();
    this.tickIntervalMs = tickIntervalMs;
    this.timeoutMs = timeoutMs;
    this.onFailure = onFailure;
    Storage storage = parts.storage();
    this.writer =
        storage.blockingSync()
            ? new StorageThread(nodeId, storage, this::signalWritten, onFailure, monitor.observer())
            : StorageWriter.inline(storage);
    this.carrier = new OutboxCarrier(nodeId, writer, this);
  }

  private void signalWritten() {
    if (writtenSignalled.compareAndSet(false, true)) {
      inbox.enqueue(LoopInput.Written.SIGNAL);
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
          carrier.syncChosen();
          protocol.tick(now, out);
          commands.expire(now);
          reads.expire(now);
          membership.expire(now);
          checkQuorum(now);
          nextTickMs = now + tickIntervalMs;
        }
        protocol.flush(now, out);
        monitor.afterTurn(protocol, out);
        carrier.releaseWritten();
        carrier.carryOut(out);
        if (membership.afterTurn(protocol) != null) {
          quorum = quorum.follow(protocol.config(), now);
        }
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
    LoopInput input;
    while (handled < MAX_INPUTS_PER_TURN && (input = inbox.poll()) != null) {
      handle(input, now);
      handled++;
    }
    return handled;
  }

  private void handle(LoopInput input, long now) {
    if (input instanceof LoopInput.Received r) {
      receive(r.message(), now);
    } else if (input instanceof LoopInput.Written) {
      writtenSignalled.set(false); // released in this turn, with whatever else was written
    } else if (input instanceof LoopInput.Submit s && noQuorum != null) {
      commands.fail(
          s.command().clientId(),
          s.command().sequence(),
          new NoQuorumException(noQuorum + ": the command was not proposed; retry later"));
    } else if (input instanceof LoopInput.Submit s) {
      commands.track(s.command().clientId(), s.command().sequence(), now + timeoutMs);
      monitor.submitted();
      protocol.submit(s.command(), now, out);
    } else if (input instanceof LoopInput.Read r) {
      reads.track(r.readId(), now + timeoutMs);
      protocol.read(r.readId(), now, out);
    } else if (input instanceof LoopInput.ChangeMembership c) {
      membership.request(c.next(), c.future(), protocol, now);
    } else if (input instanceof LoopInput.Send s) {
      transport.send(s.to(), s.message());
    } else if (input instanceof LoopInput.SnapshotSaved s) {
      // Durable, and it covers applied (so chosen) slots only: the log below it may go.
      long slot = s.info().slot();
      protocol.compact(slot, out); // and announce it to acceptors without a learner
      // Synced now, not with some later batch: a restart then starts after it.
      carrier.write(storage -> storage.compact(slot), true);
    } else if (input instanceof LoopInput.SnapshotReceived r) {
      long slot = r.info().slot();
      long before = protocol.learner().map(l -> l.nextSlot()).orElse(Long.MAX_VALUE);
      protocol.installSnapshot(
          slot, r.governing() != null ? r.governing() : protocol.membership(), now, out);
      if (slot >= before) {
        applier.install(r.info());
      }
      carrier.write(storage -> storage.compact(slot), true);
    } else {
      throw new IllegalStateException("unknown loop input " + input); // LoopInput is sealed
    }
  }

  /** Note whether the node can reach a quorum now, logging each change. */
  private void checkQuorum(long now) {
    String why = quorum.unreachable(now, protocol.isLeader(), protocol.leaderHint());
    if (why != null && noQuorum == null) {
      log.info("node {} cannot reach a quorum: commands fail until it can ({})", nodeId, why);
    } else if (why == null && noQuorum != null) {
      log.info("node {} is in contact with a quorum again", nodeId);
    }
    noQuorum = why;
  }

  /**
   * A message from the network: checked against the bounds, then handed to its taker: a protocol
   * message to the protocol, a host message to the futures or the snapshotter, never to the roles.
   */
  private void receive(PeerMessage m, long now) {
    if (refused(m)) {
      return;
    }
    quorum.heard(m.from(), now);
    monitor.stages().received(m, protocol);
    if (m instanceof Message message) {
      protocol.receive(message, now, out);
    } else if (m instanceof HostMessage.CommandResult r) {
      commands.complete(r.clientId(), r.sequence(), r.slot(), r.result());
    } else if (m instanceof HostMessage.CommandFailed f) {
      commands.fail(f.clientId(), f.sequence(), ApplyFailures.toCaller(f));
    } else if (m instanceof HostMessage.SnapshotRequest r) {
      if (snapshotter != null) {
        snapshotter.serve(r.from(), r.slot(), r.offset());
      }
    } else if (m instanceof HostMessage.SnapshotChunk c) {
      if (snapshotter != null) {
        snapshotter.receive(c, applier.appliedSlot());
      }
    }
  }

  /**
   * Whether a message from the network is out of bounds ({@link PeerMessageBounds#refusal}): then
   * it is dropped here, before any role, the snapshotter or the storage sees it, and counted.
   */
  private boolean refused(PeerMessage m) {
    Optional<String> why = PeerMessageBounds.refusal(m, protocol);
    if (why.isEmpty()) {
      return false;
    }
    monitor.refused(m.from(), why.get());
    return true;
  }

  // ---- the carrier's effects ----

  @Override
  public void send(int to, Message message) {
    monitor.stages().sent(message);
    transport.send(to, message);
  }

  @Override
  public void flush() {
    transport.flush();
  }

  @Override
  public void loopback(Message message) {
    monitor.stages().loopedBack(message);
    loopback.add(message);
  }

  @Override
  public void deliver(List<Outbox.Delivery> deliveries) {
    // A crash may lose this node's copy of a chosen value that was not synced yet: PaxosNode
    // serves its first SEQUENTIAL read through a read index, since it may have applied more before
    // the crash than it replays.
    applier.deliver(deliveries);
  }

  /** Serve the batch's snapshot requests and settle its commands and reads. */
  @Override
  public void settle(Outbox batch) {
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
            "outcome unknown: the leader that took it (this node, or the one it was forwarded to)"
                + " cannot tell whether it will be chosen (it lost its leadership, restarted or"
                + " forgot it); a command of a session may be sent again: it is applied once");
      default:
        return new NotLeaderException(a.leaderHint());
    }
  }

  /** Fail what is still pending once the loop has stopped. */
  void failPending(String why) {
    commands.failAll(new NodeClosedException(why));
    reads.failAll(new NodeClosedException(why));
    membership.failAll(new NodeClosedException(why));
    log.debug("node {} event loop stopped: {}", nodeId, why);
  }
}
