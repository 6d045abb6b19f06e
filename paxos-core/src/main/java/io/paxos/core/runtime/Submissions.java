package io.paxos.core.runtime;

import io.paxos.core.protocol.Command;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * How a command made at a node gets to its event loop: checked and admitted ({@link Admission}),
 * its future registered for the result ({@link Completions}), numbered in the node's own session or
 * in a remote client's, and queued. Any thread.
 */
final class Submissions {
  private final int nodeId;
  private final long clientId; // this node's own session
  private final Admission admission;
  private final Completions commands;
  private final WriteStages stages;
  private final LoopInbox inbox;
  private final BooleanSupplier leads;
  // Completes the future exceptionally, and is false, if the node is closed or stopped.
  private final Predicate<CompletableFuture<?>> usable;
  private final AtomicLong sequence = new AtomicLong();

  Submissions(
      int nodeId,
      long clientId,
      Admission admission,
      Completions commands,
      WriteStages stages,
      LoopInbox inbox,
      BooleanSupplier leads,
      Predicate<CompletableFuture<?>> usable) {
    this.nodeId = nodeId;
    this.clientId = clientId;
    this.admission = admission;
    this.commands = commands;
    this.stages = stages;
    this.inbox = inbox;
    this.leads = leads;
    this.usable = usable;
  }

  /** A command in this node's own session ({@link PaxosNode#submit(byte[])}). */
  CompletableFuture<byte[]> local(byte[] command, CompletableFuture<byte[]> future) {
    Objects.requireNonNull(command, "command");
    admission.checkSize(command);
    if (!usable.test(future) || !admission.admit(future, command.length)) {
      return future;
    }
    admission.holdBytes(future, command.length);
    long seq = sequence.incrementAndGet();
    commands.local.put(seq, future);
    if (stages.on() && leads.getAsBoolean()) {
      stages.submitted(clientId, seq);
    }
    inbox.enqueue(new LoopInput.Submit(new Command(nodeId, clientId, seq, command)));
    return future;
  }

  /**
   * A command of a remote client's session ({@link PaxosNode#submit(long, long, long, byte[])}): a
   * retry while the first attempt is pending shares its future.
   */
  CompletableFuture<byte[]> session(
      long session,
      long seq,
      long acknowledgedBelow,
      byte[] command,
      CompletableFuture<byte[]> future) {
    Objects.requireNonNull(command, "command");
    admission.checkSize(command);
    Admission.checkSession(session, seq, acknowledgedBelow, clientId);
    if (!usable.test(future) || !admission.admit(future, command.length)) {
      return future;
    }
    future = commands.sessions.putIfAbsent(new Completions.SessionKey(session, seq), future);
    admission.holdBytes(
        future, command.length); // a retry's bytes are held until the first attempt is done
    if (stages.on() && leads.getAsBoolean()) {
      stages.submitted(session, seq);
    }
    inbox.enqueue(
        new LoopInput.Submit(new Command(nodeId, session, seq, acknowledgedBelow, command)));
    return future;
  }
}
