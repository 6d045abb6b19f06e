package io.paxos.core.runtime;

import io.paxos.core.StateMachine;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import java.util.function.IntPredicate;
import java.util.function.UnaryOperator;

/**
 * The apply thread: applies chosen values to the {@link StateMachine} in slot order, completes the
 * futures of commands made at this node, and serves reads once the slots they wait for are applied.
 * It is the only thread that calls the state machine.
 */
final class Applier implements Runnable {
  private record Deliveries(List<Outbox.Delivery> deliveries) {}

  private record Read(long readIndex, byte[] query, CompletableFuture<byte[]> future) {}

  private static final Object STOP = new Object();
  private static final byte[] EMPTY = new byte[0];

  private final int nodeId;
  private final StateMachine stateMachine;
  private final Completions completions;
  private final SessionTable sessionTable = new SessionTable();
  private final IntPredicate hostsLearner;
  private final UnaryOperator<byte[]> machine = this::apply; // one instance, not one per command
  private final Consumer<EventLoop.Send> remoteResults;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Object> tasks = new LinkedBlockingQueue<>();
  private final PriorityQueue<Read> waiting =
      new PriorityQueue<>((a, b) -> Long.compare(a.readIndex(), b.readIndex()));
  private volatile long appliedSlot;

  Applier(
      int nodeId,
      StateMachine stateMachine,
      Completions completions,
      IntPredicate hostsLearner,
      Consumer<EventLoop.Send> remoteResults,
      Consumer<Throwable> onFailure) {
    this.nodeId = nodeId;
    this.stateMachine = stateMachine;
    this.completions = completions;
    this.hostsLearner = hostsLearner;
    this.remoteResults = remoteResults;
    this.onFailure = onFailure;
  }

  /** Every slot up to and including this one has been applied. */
  long appliedSlot() {
    return appliedSlot;
  }

  /** Apply values recovered from storage, before the node starts (caller's thread). */
  void replay(List<Value> chosen) {
    long slot = 0;
    for (Value v : chosen) {
      slot++;
      for (Command c : v.commands()) {
        sessionTable.apply(c, slot, this::apply);
      }
    }
    appliedSlot = slot;
  }

  void deliver(List<Outbox.Delivery> deliveries) {
    tasks.add(new Deliveries(List.copyOf(deliveries)));
  }

  /** Run {@code query} once every slot below {@code readIndex} is applied. */
  void read(long readIndex, byte[] query, CompletableFuture<byte[]> future) {
    tasks.add(new Read(readIndex, query, future));
  }

  void stop() {
    tasks.add(STOP);
  }

  @Override
  public void run() {
    try {
      while (true) {
        Object task = tasks.take();
        if (task == STOP) {
          failWaitingReads();
          return;
        }
        if (task instanceof Deliveries d) {
          applyAll(d.deliveries());
        } else if (task instanceof Read r) {
          waiting.add(r);
        }
        serveReads();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      onFailure.accept(e);
    }
  }

  private void applyAll(List<Outbox.Delivery> deliveries) {
    for (Outbox.Delivery d : deliveries) {
      for (Command c : d.value().commands()) {
        applyOne(c, d.slot());
      }
      appliedSlot = d.slot();
    }
  }

  /** Apply one command (once per session sequence), then answer whoever waits for it. */
  private void applyOne(Command c, long slot) {
    byte[] result = sessionTable.apply(c, slot, machine);
    if (result == null) {
      return; // a stale duplicate: applied before, and its client has seen the answer
    }
    if (c.origin() == nodeId) {
      completions.complete(c.clientId(), c.sequence(), result);
    } else if (!hostsLearner.test(c.origin())) {
      remoteResults.accept(
          new EventLoop.Send(
              c.origin(),
              new Message.CommandResult(nodeId, c.clientId(), c.sequence(), slot, result)));
    }
  }

  private byte[] apply(byte[] payload) {
    byte[] result = stateMachine.apply(payload);
    return result == null ? EMPTY : result;
  }

  private void failWaitingReads() {
    for (Read r : waiting) {
      r.future().completeExceptionally(new io.paxos.core.NodeClosedException("node closed"));
    }
    waiting.clear();
    for (Object task : tasks) {
      if (task instanceof Read r) {
        r.future().completeExceptionally(new io.paxos.core.NodeClosedException("node closed"));
      }
    }
  }

  private void serveReads() {
    while (!waiting.isEmpty() && waiting.peek().readIndex() <= appliedSlot + 1) {
      Read r = waiting.poll();
      if (r.future().isDone()) {
        continue;
      }
      try {
        byte[] result = stateMachine.query(r.query());
        r.future().complete(result == null ? EMPTY : result);
      } catch (RuntimeException e) {
        r.future().completeExceptionally(e);
      }
    }
  }
}
