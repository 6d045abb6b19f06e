package io.paxos.core.runtime;

import io.paxos.core.CommandTimeoutException;
import io.paxos.core.Consistency;
import io.paxos.core.SlotResult;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.ProtocolNode;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A node's reads ({@link PaxosNode#read}): at {@link Consistency#STALE} from the applied state; at
 * the other levels once the event loop has found a read index (the leader confirms it leads, or its
 * lease holds) and the apply thread has applied through it. Thread-safe: the callers' threads use
 * it, and the event loop completes the read indexes it tracks in {@link #pending}.
 */
final class Reads {
  /** The reads waiting for a read index from the event loop, by read id. */
  final PendingCommands<Long, Long> pending = new PendingCommands<>("read");

  private final int nodeId;
  private final Member self;
  private final ClusterConfig config;
  private final Applier applier;
  private final LoopInbox inbox;
  private final long commandTimeoutMs;
  // Completes the future exceptionally, and is false, if the node is closed or stopped.
  private final Predicate<CompletableFuture<?>> usable;
  private final AtomicLong readIds = new AtomicLong();
  // Whether this node has applied through a read index since it started (see read()).
  private volatile boolean sequentialFloorKnown;

  Reads(
      int nodeId,
      Member self,
      ClusterConfig config,
      Applier applier,
      LoopInbox inbox,
      long commandTimeoutMs,
      Predicate<CompletableFuture<?>> usable) {
    this.nodeId = nodeId;
    this.self = self;
    this.config = config;
    this.applier = applier;
    this.inbox = inbox;
    this.commandTimeoutMs = commandTimeoutMs;
    this.usable = usable;
  }

  /** {@link PaxosNode#read(byte[], Consistency, long)}. */
  CompletableFuture<SlotResult> readAtSlot(byte[] query, Consistency consistency, long minSlot) {
    if (minSlot < 0) {
      throw new IllegalArgumentException("minSlot must not be negative, was " + minSlot);
    }
    SlotFuture result = new SlotFuture();
    read(query, consistency, minSlot == Long.MAX_VALUE ? minSlot : minSlot + 1, result);
    if (minSlot > applier.appliedSlot()) {
      result.orTimeout(commandTimeoutMs, TimeUnit.MILLISECONDS);
    }
    CompletableFuture<SlotResult> out = new CompletableFuture<>();
    result.whenComplete(
        (r, error) -> {
          if (error == null) {
            out.complete(new SlotResult(Math.max(result.slot, minSlot), r));
          } else if (error instanceof TimeoutException) {
            out.completeExceptionally(
                new CommandTimeoutException(
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
  void read(
      byte[] query, Consistency consistency, long minIndex, CompletableFuture<byte[]> result) {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(consistency, "consistency");
    if (!self.has(Role.LEARNER)) {
      throw new IllegalStateException(
          "node "
              + nodeId
              + " hosts no learner, so it has no state machine to read; read from one"
              + " of the learners "
              + Arrays.toString(config.idsWith(Role.LEARNER)));
    }
    if (!usable.test(result)) {
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
    pending.put(readId, index);
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
}
