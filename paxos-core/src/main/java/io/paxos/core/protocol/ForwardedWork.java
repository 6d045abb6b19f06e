package io.paxos.core.protocol;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a node forwarded to the leader and has no answer for yet: session commands (in a {@code
 * Forward}) and read-index requests. When the node learns of another leader, the work forwarded to
 * the old one is sent again to the new one ({@link #rerouted}), so a leader that crashed, paused or
 * was cut off after it received the work does not leave the caller waiting for its timeout.
 *
 * <p>Only session commands are kept: sending one again is safe because the replicated session table
 * applies a {@code (clientId, sequence)} once, and answers every later copy with the first result,
 * so a command the old leader did get chosen is not applied twice. A one-shot command has no such
 * protection (the old leader may have got it chosen, and a second copy would apply twice); it is
 * left to the old leader's answer, or to its caller's timeout, as before.
 *
 * <p>A command leaves when this node's learner delivers it, when the node it was last forwarded to
 * hands it back ({@code ForwardRejected}), or when leadership moves on after it was given to this
 * node's own proposer (which answers for it from then on); a read leaves when a {@code
 * ReadIndexReply} answers it. A refusal from a node the work is no longer forwarded to is stale and
 * dropped: the work waits for the answer of the node it now waits at. Both kinds are bounded like
 * the commands waiting for a leader: at most {@code maxEntries} of each and {@code maxBytes} of
 * command payload; beyond that the oldest is forgotten (it still gets its answer from where it was
 * sent, or its caller's timeout). A node without a learner never sees its commands delivered: they
 * leave only so. Not thread-safe.
 */
final class ForwardedWork {
  private record Key(long clientId, long sequence) {
    static Key of(Command c) {
      return new Key(c.clientId(), c.sequence());
    }
  }

  private static final class Sent {
    final Command command;
    int to;

    Sent(Command command, int to) {
      this.command = command;
      this.to = to;
    }
  }

  private final int self;
  private final int maxEntries;
  private final long maxBytes;
  private final LinkedHashMap<Key, Sent> commands = new LinkedHashMap<>();
  private long bytes;

  /** Where a read was sent for its index, and when. */
  private record ReadSent(int to, long at) {}

  private final LinkedHashMap<Long, ReadSent> reads = new LinkedHashMap<>();
  // The leader the work was last routed to: rerouting happens only when it changes.
  private int routedTo;

  /**
   * @param self this node: a command sent to its own proposer is that proposer's to answer
   * @param maxEntries the most commands, and the most reads, kept
   * @param maxBytes the most command payload bytes kept
   */
  ForwardedWork(int self, int maxEntries, long maxBytes) {
    this.self = self;
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
  }

  boolean isEmpty() {
    return commands.isEmpty() && reads.isEmpty();
  }

  int commandCount() {
    return commands.size();
  }

  int readCount() {
    return reads.size();
  }

  /** {@code command} was forwarded to {@code to}: kept if it is a session's. */
  void forwarded(Command command, int to) {
    routedTo = to;
    if (!command.inSession()) {
      return;
    }
    Sent s = commands.get(Key.of(command));
    if (s != null) {
      s.to = to;
      return;
    }
    commands.put(Key.of(command), new Sent(command, to));
    bytes += command.payload().length;
    Iterator<Sent> oldest = commands.values().iterator();
    while (commands.size() > maxEntries || (bytes > maxBytes && commands.size() > 1)) {
      bytes -= oldest.next().command.payload().length;
      oldest.remove();
    }
  }

  /** The read {@code readId} was sent to {@code to} for a read index at {@code now}. */
  void readSent(long readId, int to, long now) {
    routedTo = to;
    reads.put(readId, new ReadSent(to, now));
    if (reads.size() > maxEntries) {
      Iterator<Long> oldest = reads.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /** This node's learner delivered {@code command}: its caller has its outcome. */
  void delivered(Command command) {
    if (command.inSession()) {
      Sent s = commands.remove(Key.of(command));
      if (s != null) {
        bytes -= s.command.payload().length;
      }
    }
  }

  /**
   * Node {@code from} handed {@code command} back: whether to hand it to the caller; false if the
   * command now waits at another node (the refusal is stale).
   */
  boolean rejected(Command command, int from) {
    Key key = Key.of(command);
    Sent s = commands.get(key);
    if (s == null) {
      return true;
    }
    if (s.to != from) {
      return false;
    }
    commands.remove(key);
    bytes -= s.command.payload().length;
    return true;
  }

  /**
   * Node {@code from} answered the read {@code readId}, {@code ok} or not: whether to hand the
   * answer to the caller; false for a refusal from a node the read no longer waits at.
   */
  boolean answered(long readId, int from, boolean ok) {
    ReadSent sent = reads.get(readId);
    if (sent == null) {
      return true;
    }
    if (!ok && sent.to() != from) {
      return false;
    }
    reads.remove(readId);
    return true;
  }

  /** The work to send again now that {@code leader} leads: empty unless the leader changed. */
  Rerouted rerouted(int leader) {
    if (leader == 0 || leader == routedTo || isEmpty()) {
      if (leader != 0 && isEmpty()) {
        routedTo = leader;
      }
      return Rerouted.NONE;
    }
    routedTo = leader;
    List<Command> again = new ArrayList<>();
    Iterator<Sent> each = commands.values().iterator();
    while (each.hasNext()) {
      Sent s = each.next();
      if (s.to == self) {
        // This node's proposer had it: it hands it back when it steps down, or gets it chosen.
        bytes -= s.command.payload().length;
        each.remove();
      } else if (s.to != leader) {
        again.add(s.command);
      }
    }
    List<Long> readsAgain = new ArrayList<>();
    for (Map.Entry<Long, ReadSent> e : reads.entrySet()) {
      if (e.getValue().to() != leader) {
        readsAgain.add(e.getKey());
      }
    }
    // Each is kept again when it is sent; one this node serves itself is its proposer's.
    reads.keySet().removeAll(readsAgain);
    return new Rerouted(again, readsAgain);
  }

  /**
   * The reads sent at or before {@code sentBy} and still unanswered: their request or its answer
   * may have been lost (the link was cut, the inbox full), and nothing else would ask again before
   * the caller's timeout. They are removed; each is kept again when it is sent again. Asking twice
   * is harmless: a read index is a lower bound, and the second answer finds the read completed.
   */
  List<Long> unansweredSince(long sentBy) {
    List<Long> overdue = new ArrayList<>();
    Iterator<Map.Entry<Long, ReadSent>> each = reads.entrySet().iterator();
    while (each.hasNext()) {
      Map.Entry<Long, ReadSent> e = each.next();
      if (e.getValue().at() <= sentBy) {
        overdue.add(e.getKey());
        each.remove();
      }
    }
    return overdue;
  }

  /** Commands and reads to send again to a new leader. */
  record Rerouted(List<Command> commands, List<Long> reads) {
    static final Rerouted NONE = new Rerouted(List.of(), List.of());
  }
}
