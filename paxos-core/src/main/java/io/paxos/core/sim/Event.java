package io.paxos.core.sim;

import io.paxos.core.protocol.PeerMessage;

/**
 * One scheduled happening of the simulation. Events are ordered by time, then by the sequence
 * number they were scheduled with, so that a run is exactly reproducible.
 */
final class Event {
  enum Kind {
    DELIVER,
    TICK,
    STORAGE_WRITE,
    STORAGE_FORCE,
    SUBMIT,
    RESUBMIT,
    CLIENT_TIMEOUT,
    CRASH,
    WIPE,
    RESTART,
    PARTITION,
    HEAL,
    END_FAULTS,
    /** A node pauses ({@link Faults#pauses}). */
    PAUSE,
    /** The leader is asked to change the membership ({@link MembershipChanges}). */
    CHANGE_MEMBERSHIP,
    /** A key-value client starts its next operation ({@link KvWorkload}). */
    KV_NEXT,
    /** A key-value client tries its operation again. */
    KV_ATTEMPT,
    /** A key-value client's attempt got no answer in time. */
    KV_TIMEOUT,
    /** A key-value client's request reaches {@code node}. */
    KV_REQUEST,
    READ,
    /** The network has been calm long enough: check leader priority ({@link PriorityChecker}). */
    PRIORITY_CHECK
  }

  final long time;
  final long seq;
  final Kind kind;
  final int node;
  final int from;
  final PeerMessage message;
  final long arg;
  final long arg2;
  final Object data;

  Event(
      long time,
      long seq,
      Kind kind,
      int node,
      int from,
      PeerMessage message,
      long arg,
      long arg2,
      Object data) {
    this.time = time;
    this.seq = seq;
    this.kind = kind;
    this.node = node;
    this.from = from;
    this.message = message;
    this.arg = arg;
    this.arg2 = arg2;
    this.data = data;
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder().append('@').append(time).append(' ').append(kind);
    if (kind == Kind.DELIVER) {
      b.append(' ').append(from).append("->").append(node).append(' ').append(message);
    } else if (node != 0) {
      b.append(" node ").append(node);
    }
    if (kind != Kind.DELIVER && (arg != 0 || arg2 != 0)) {
      b.append(" (").append(arg).append(", ").append(arg2).append(')');
    }
    if (data != null) {
      b.append(' ').append(data);
    }
    return b.toString();
  }
}
