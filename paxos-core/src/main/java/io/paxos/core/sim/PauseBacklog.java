package io.paxos.core.sim;

import java.util.SplittableRandom;

/**
 * Holds back the events for a paused node ({@link Faults#pauses()}) until it resumes. Its backlog
 * is then handled as the runtime's event loop does after a {@code SIGCONT}: the inputs first, each
 * sender's (each connection's) in the order they arrived, the senders interleaved at random (their
 * offsets in the first {@value #SHUFFLE_MS} ms), the storage thread among them, and the overdue
 * timer tick after them. A crash of the paused incarnation loses its backlog.
 *
 * <p>Draws from the simulation's own generator, in the order the simulation calls it.
 * Single-threaded.
 */
final class PauseBacklog {
  private static final int SHUFFLE_MS = 5;

  private final SplittableRandom random;
  private final EventQueue queue;
  private final SimNode[] nodes;

  /** {@code nodes} by id (null where no node has that id). */
  PauseBacklog(SplittableRandom random, EventQueue queue, SimNode[] nodes) {
    this.random = random;
    this.queue = queue;
    this.nodes = nodes;
  }

  /**
   * Whether {@code e}, due at {@code now}, is not to be handled now: requeued for after the pause
   * of its node, or lost with the incarnation that held it.
   */
  boolean holdsBack(Event e, long now) {
    boolean storage = e.kind == Event.Kind.STORAGE_WRITE || e.kind == Event.Kind.STORAGE_FORCE;
    if (e.kind != Event.Kind.DELIVER
        && e.kind != Event.Kind.KV_REQUEST
        && e.kind != Event.Kind.TICK
        && !storage) {
      return false;
    }
    SimNode n = nodes[e.node];
    if (e.data instanceof Backlog b && b.incarnation() != n.incarnation) {
      return true; // the process that held it in its buffers crashed: lost with it
    }
    if (n.pausedUntil <= now) {
      return false;
    }
    long at = n.pausedUntil + SHUFFLE_MS + 1; // the timer: after the inputs
    if (e.kind != Event.Kind.TICK) {
      // Each connection, and the storage thread (with the node's messages to itself), resumes at
      // its own point; each keeps its order.
      int sender = e.kind == Event.Kind.DELIVER ? e.from : storage ? n.id : 0;
      if (n.backlogOffsets[sender] < 0) {
        n.backlogOffsets[sender] = random.nextInt(SHUFFLE_MS + 1);
      }
      at = n.pausedUntil + n.backlogOffsets[sender];
    }
    queue.requeue(e, at, new Backlog(n.incarnation));
    return true;
  }

  /** Marks an event held by a paused node, which a crash of that incarnation loses. */
  private record Backlog(int incarnation) {
    @Override
    public String toString() {
      return "(backlog of incarnation " + incarnation + ")";
    }
  }
}
