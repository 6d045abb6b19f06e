package io.paxos.core.runtime;

import io.paxos.core.protocol.PeerMessage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The event loop's inbox: what the transport, application threads, the apply thread and the
 * snapshot thread queue for the loop, as {@link LoopInput}s. Built before the loop and the threads
 * that feed it, and handed to each, so none of them needs the others to exist first.
 *
 * <p>Messages from the network are dropped while {@code maxMessages} inputs wait (the protocol
 * retries); inputs made at this node are never dropped (their callers hold futures).
 *
 * <p>Threading: {@link #receive}, {@link #enqueue}, {@link #inOneWakeup} and {@link #wake} from any
 * thread; {@link #poll} and {@link #await} from the event loop only.
 */
final class LoopInbox {
  private final ParkingQueue<LoopInput> queue = new ParkingQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final int maxMessages;

  LoopInbox(int maxMessages) {
    this.maxMessages = maxMessages;
  }

  /** Queue a message from the network, unless the inbox is full. */
  void receive(PeerMessage message) {
    if (size.get() >= maxMessages) {
      return;
    }
    enqueue(new LoopInput.Received(message));
  }

  /** Queue an input made at this node. */
  void enqueue(LoopInput input) {
    size.incrementAndGet();
    queue.add(input);
  }

  /**
   * Run {@code inputs}, which queues inputs from this thread, so that they wake the loop once,
   * after it returns ({@link ParkingQueue#holdWakeups()}).
   */
  void inOneWakeup(Runnable inputs) {
    queue.holdingWakeups(inputs);
  }

  /** The next input, or null if none waits. */
  LoopInput poll() {
    LoopInput input = queue.poll();
    if (input != null) {
      size.decrementAndGet();
    }
    return input;
  }

  /** Park the loop until an input comes, {@link #wake()} is called or {@code nanos} pass. */
  void await(long nanos) {
    queue.await(nanos);
  }

  /** Wake the loop whatever the inbox holds (to make it stop). */
  void wake() {
    queue.wake();
  }
}
