package io.paxos.core.sim;

import io.paxos.core.protocol.PeerMessage;
import java.util.PriorityQueue;

/** The simulation's agenda: events ordered by (time, scheduling sequence). Not thread-safe. */
final class EventQueue {
  private final PriorityQueue<Event> queue =
      new PriorityQueue<>(
          1024,
          (a, b) -> a.time != b.time ? Long.compare(a.time, b.time) : Long.compare(a.seq, b.seq));
  private long nextSeq;

  void add(long time, Event.Kind kind, int node, long arg, long arg2, Object data) {
    queue.add(new Event(time, nextSeq++, kind, node, 0, null, arg, arg2, data));
  }

  void deliver(long time, int from, int to, PeerMessage message) {
    queue.add(new Event(time, nextSeq++, Event.Kind.DELIVER, to, from, message, 0, 0, null));
  }

  /**
   * {@code e} again, at {@code time}, after every event already scheduled for that time, with
   * {@code data} instead of its own.
   */
  void requeue(Event e, long time, Object data) {
    queue.add(new Event(time, nextSeq++, e.kind, e.node, e.from, e.message, e.arg, e.arg2, data));
  }

  Event poll() {
    return queue.poll();
  }

  int size() {
    return queue.size();
  }
}
