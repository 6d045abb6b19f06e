package io.paxos.core.runtime;

import io.paxos.core.PaxosException;

/**
 * Where the results of commands made at this node go: this node's own commands are keyed by
 * sequence; commands submitted on behalf of client sessions by (client id, sequence). Any thread
 * may complete; see {@link PendingCommands}.
 */
final class Completions {
  /** A session's command. */
  record SessionKey(long clientId, long sequence) {}

  final long localClientId;
  final PendingCommands<Long, byte[]> local = new PendingCommands<>("command");
  final PendingCommands<SessionKey, byte[]> sessions = new PendingCommands<>("session command");

  Completions(long localClientId) {
    this.localClientId = localClientId;
  }

  /** Complete a command applied in {@code slot} (recorded for a {@link SlotFuture}). */
  void complete(long clientId, long sequence, long slot, byte[] result) {
    if (clientId == localClientId) {
      local.complete(sequence, slot, result);
    } else {
      sessions.complete(new SessionKey(clientId, sequence), slot, result);
    }
  }

  void fail(long clientId, long sequence, PaxosException error) {
    if (clientId == localClientId) {
      local.fail(sequence, error);
    } else {
      sessions.fail(new SessionKey(clientId, sequence), error);
    }
  }

  /** Start the timeout of a command just handed to the protocol (event-loop thread only). */
  void track(long clientId, long sequence, long deadlineMs) {
    if (clientId == localClientId) {
      local.track(sequence, deadlineMs);
    } else {
      sessions.track(new SessionKey(clientId, sequence), deadlineMs);
    }
  }

  void expire(long nowMs) {
    local.expire(nowMs);
    sessions.expire(nowMs);
  }

  void failAll(PaxosException error) {
    local.failAll(error);
    sessions.failAll(error);
  }

  /** Fail every pending command from any thread, leaving the timeouts to lapse. */
  void failOutstanding(PaxosException error) {
    local.failFutures(error);
    sessions.failFutures(error);
  }

  int size() {
    return local.size() + sessions.size();
  }
}
