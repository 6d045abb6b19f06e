package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * The slots in which a proposer proposed commands whose outcome it lost when it stepped down, with
 * every command it proposed in each (over its leaderships). A command is proposed in one slot only,
 * so once that slot is known chosen with a value without it, it was not chosen anywhere: {@link
 * #resolve} hands it back. Bounded: beyond {@code max} slots the lowest are forgotten, and their
 * commands wait for the caller's timeout. Not thread-safe.
 */
final class UnresolvedSlots {
  private final TreeMap<Long, Set<Command>> slots = new TreeMap<>();
  private final int max;
  private long requestedAt = Long.MIN_VALUE / 2;
  private long requests;

  UnresolvedSlots(int max) {
    this.max = max;
  }

  boolean isEmpty() {
    return slots.isEmpty();
  }

  /** Remember that {@code commands} were proposed in {@code slot} and their outcome is unknown. */
  void keep(long slot, List<Command> commands) {
    if (commands.isEmpty()) {
      return;
    }
    slots.computeIfAbsent(slot, k -> new LinkedHashSet<>()).addAll(commands);
    while (slots.size() > max) {
      slots.pollFirstEntry();
    }
  }

  /**
   * {@code slot} is chosen with {@code value}: the commands proposed there that are not in it,
   * which were therefore not chosen; empty if none.
   */
  List<Command> resolve(long slot, Value value) {
    Set<Command> proposed = slots.isEmpty() ? null : slots.remove(slot);
    if (proposed == null) {
      return List.of();
    }
    Set<Command> chosen = new HashSet<>(value.commands());
    List<Command> lost = new ArrayList<>();
    for (Command c : proposed) {
      if (!chosen.contains(c)) {
        lost.add(c);
      }
    }
    return lost;
  }

  /**
   * Take out the commands of a client session ({@link Command#inSession()}): the session's
   * deduplication makes sending them again safe whatever their slot decides, so their callers need
   * not wait for it (a slot the next leader never learned of is decided only by its next command).
   */
  List<Command> takeInSession() {
    List<Command> taken = new ArrayList<>();
    for (Set<Command> proposed : slots.values()) {
      for (java.util.Iterator<Command> i = proposed.iterator(); i.hasNext(); ) {
        Command c = i.next();
        if (c.inSession()) {
          taken.add(c);
          i.remove();
        }
      }
    }
    slots.values().removeIf(Set::isEmpty);
    return taken;
  }

  /** Forget the slots below {@code slot}: they were resolved or skipped. */
  void forgetBelow(long slot) {
    slots.headMap(slot).clear();
  }

  /**
   * For a proposer without a learner at its node: ask {@code learners}, in turn and at most once
   * per retransmit interval, for the values of the unresolved slots below {@code knownChosen}.
   */
  void requestChosen(
      int self, int[] learners, long knownChosen, long now, ProtocolOptions options, Outbox out) {
    if (slots.isEmpty() || learners.length == 0) {
      return;
    }
    long first = slots.firstKey();
    if (first >= knownChosen || now - requestedAt < options.retransmitMs()) {
      return;
    }
    requestedAt = now;
    int count = (int) Math.min(options.maxSlotsPerMessage(), knownChosen - first);
    int learner = learners[(int) Math.floorMod(requests++, (long) learners.length)];
    out.send(learner, new Message.CatchUpRequest(self, first, count));
  }
}
