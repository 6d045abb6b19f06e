package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A leader's commands waiting for a slot, in arrival order, bounded by count and by payload bytes
 * ({@link ProtocolOptions#maxQueuedBytes()}), and cut into the batches that fill its slots.
 *
 * <p>Not thread-safe; owned by its {@link DefaultProposer}.
 */
final class ProposalQueue {
  private final ProtocolOptions options;
  private final int maxQueued;
  // The most bytes of commands one batch holds: what one Accept carries alone.
  private final long valueBudget;
  private final ArrayDeque<Command> queue = new ArrayDeque<>();
  private long queuedBytes;

  ProposalQueue(ProtocolOptions options, int maxQueued, long valueBudget) {
    this.options = options;
    this.maxQueued = maxQueued;
    this.valueBudget = valueBudget;
  }

  /** Queue {@code command}, unless the queue is full: false then (the caller refuses it). */
  boolean offer(Command command) {
    if (queue.size() >= maxQueued
        || queuedBytes + command.payload().length > options.maxQueuedBytes()) {
      return false;
    }
    queue.add(command);
    queuedBytes += command.payload().length;
    return true;
  }

  boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * The next slot's batch: up to {@code maxBatchCommands} commands and {@code maxBatchBytes} of
   * payload, and no more than fits alone in one {@code Accept} ({@code maxMessageBytes}). The first
   * command always goes in; the options guarantee it fits.
   */
  Value nextBatch() {
    int count = Math.min(queue.size(), options.maxBatchCommands());
    List<Command> batch = new ArrayList<>(count);
    long payload = 0;
    long encoded = MessageBytes.ENTRY_OVERHEAD;
    while (!queue.isEmpty() && batch.size() < count) {
      Command next = queue.peek();
      int size = next.payload().length;
      long bytes = MessageBytes.command(next);
      if (!batch.isEmpty()
          && (payload + size > options.maxBatchBytes() || encoded + bytes > valueBudget)) {
        break;
      }
      batch.add(queue.poll());
      queuedBytes -= size;
      payload += size;
      encoded += bytes;
    }
    return new Value.Batch(batch);
  }

  /** Drop the queued copies of commands already in hand (in a slot the new leader re-proposes). */
  void removeInHand(Set<Command> inHand) {
    if (inHand.isEmpty()) {
      return;
    }
    queue.removeIf(
        c -> {
          boolean drop = inHand.contains(c);
          if (drop) {
            queuedBytes -= c.payload().length;
          }
          return drop;
        });
  }

  /** Empty the queue, returning what it held in order (the leader stepped down). */
  List<Command> drain() {
    List<Command> all = List.copyOf(queue);
    queue.clear();
    queuedBytes = 0;
    return all;
  }
}
