package io.paxos.core.runtime;

import io.paxos.core.OverloadedException;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.protocol.SessionTable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a node takes from its callers: a command within the size limit, a session's numbers within
 * the session rules, and a command only while there is room among the pending commands and bytes
 * (bounded memory under overload). Thread-safe: {@link PaxosNode}'s callers' threads use it.
 */
final class Admission {
  private final int nodeId;
  private final ProtocolOptions options;
  private final Completions commands;
  private final int maxPending;
  private final long maxPendingBytes;
  // Payload bytes of the commands made at this node and not completed yet.
  private final AtomicLong pendingBytes = new AtomicLong();

  Admission(
      int nodeId,
      ProtocolOptions options,
      Completions commands,
      int maxPending,
      long maxPendingBytes) {
    this.nodeId = nodeId;
    this.options = options;
    this.commands = commands;
    this.maxPending = maxPending;
    this.maxPendingBytes = maxPendingBytes;
  }

  /** Throw if {@code command} is larger than the options allow. */
  void checkSize(byte[] command) {
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
   * Throw if a session's numbers break the rules of {@link PaxosNode#submit(long, long, long,
   * byte[])}; {@code ownClientId} is the node's own session, which no remote client may use.
   */
  static void checkSession(long clientId, long sequence, long acknowledgedBelow, long ownClientId) {
    if (clientId == 0 || clientId == ownClientId) {
      throw new IllegalArgumentException("session client id " + clientId + " is reserved");
    }
    if (sequence < 1 || acknowledgedBelow < 1 || acknowledgedBelow > sequence) {
      throw new IllegalArgumentException(
          "need 1 <= acknowledgedBelow <= sequence, got sequence "
              + sequence
              + " and acknowledgedBelow "
              + acknowledgedBelow);
    }
    if (sequence - acknowledgedBelow >= SessionTable.MAX_RESULTS) {
      throw new IllegalArgumentException(
          "sequence "
              + sequence
              + " is "
              + (sequence - acknowledgedBelow)
              + " above acknowledgedBelow "
              + acknowledgedBelow
              + "; a session may span at most "
              + SessionTable.MAX_RESULTS
              + " sequences: wait for the oldest unanswered command before sending new ones");
    }
  }

  /**
   * Refuse a command when too many commands or bytes are pending here (bounded memory under
   * overload); otherwise reserve its {@code bytes}, which {@link #holdBytes} gives back when the
   * command completes. A single command is always admitted when nothing else is pending.
   */
  boolean admit(CompletableFuture<?> future, int bytes) {
    if (commands.size() >= maxPending) {
      future.completeExceptionally(
          new OverloadedException(
              maxPending + " commands are already pending at node " + nodeId + "; retry later"));
      return false;
    }
    long after = pendingBytes.addAndGet(bytes);
    if (after > maxPendingBytes && after != bytes) {
      pendingBytes.addAndGet(-bytes);
      future.completeExceptionally(
          new OverloadedException(
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
  void holdBytes(CompletableFuture<?> future, int bytes) {
    future.whenComplete((r, e) -> pendingBytes.addAndGet(-bytes));
  }

  /** The payload bytes of the commands made at this node that have not completed. */
  long pendingBytes() {
    return pendingBytes.get();
  }
}
