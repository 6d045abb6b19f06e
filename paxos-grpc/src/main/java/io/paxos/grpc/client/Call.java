package io.paxos.grpc.client;

import io.paxos.core.Consistency;
import java.util.concurrent.CompletableFuture;

/**
 * One command or read of the application, across all its attempts. Loop thread only, except the
 * future, which the application holds.
 */
final class Call {
  /** The command's sequence number, 0 until the command is numbered, and for a read. */
  long sequence;

  final byte[] payload;

  /** The read's consistency; null for a command. */
  final Consistency consistency;

  final long deadlineNanos;

  /** The whole time the caller gave the call, from its making to its deadline. */
  final long timeoutNanos;

  /** The order the call's deadline was first watched in: breaks ties between equal deadlines. */
  long order;

  final CompletableFuture<byte[]> future = new CompletableFuture<>();

  /** The call id of the attempt whose failure counts; replies to older attempts may still win. */
  long currentAttempt;

  int attempts;

  /** What went wrong last, for the error at the deadline. */
  String lastProblem = "no attempt was made";

  /** Whether some node received an attempt (so a command's outcome may be unknown). */
  boolean reachedANode;

  Call(byte[] payload, Consistency consistency, long deadlineNanos) {
    this.payload = payload;
    this.consistency = consistency;
    this.deadlineNanos = deadlineNanos;
    this.timeoutNanos = Math.max(1, deadlineNanos - System.nanoTime());
  }

  boolean isCommand() {
    return consistency == null;
  }

  boolean done() {
    return future.isDone();
  }
}
