package io.paxos.core.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The messages that carry a {@link ProtocolNode}'s commands to other nodes: {@code Forward}s cut
 * into parts that each fit one message ({@link #split}), and the {@code ForwardRejected}s that send
 * commands abandoned here back to the nodes they came from ({@link #routeAbandoned}).
 *
 * <p>Not thread-safe; owned by its {@link ProtocolNode}.
 */
final class CommandCarrier {
  private final int id;
  // The most bytes of commands one message carries.
  private final long messageBudget;

  CommandCarrier(int id, long messageBudget) {
    this.id = id;
    this.messageBudget = messageBudget;
  }

  /**
   * {@code commands} in consecutive parts that each fit one message ({@code maxMessageBytes}); a
   * part holds at least one command.
   */
  List<List<Command>> split(List<Command> commands) {
    List<List<Command>> parts = new ArrayList<>();
    int start = 0;
    long bytes = 0;
    for (int i = 0; i < commands.size(); i++) {
      long size = MessageBytes.command(commands.get(i));
      if (i > start && bytes + size > messageBudget) {
        parts.add(List.copyOf(commands.subList(start, i)));
        start = i;
        bytes = 0;
      }
      bytes += size;
    }
    parts.add(List.copyOf(commands.subList(start, commands.size())));
    return parts;
  }

  /**
   * Commands abandoned here on behalf of another node go back to it as {@code ForwardRejected}: one
   * message per origin, reason and hint, with the commands in the order they were abandoned.
   */
  void routeAbandoned(Outbox out) {
    List<Outbox.Abandoned> abandoned = out.abandoned();
    if (abandoned.isEmpty()
        || abandoned.stream()
            .allMatch(a -> a.commands().stream().allMatch(c -> c.origin() == id))) {
      return;
    }
    record Key(int origin, Outbox.Rejection reason, int hint) {}
    Map<Key, List<Command>> groups = new LinkedHashMap<>();
    for (Outbox.Abandoned a : abandoned) {
      for (Command c : a.commands()) {
        groups
            .computeIfAbsent(
                new Key(c.origin(), a.reason(), a.leaderHint()), k -> new ArrayList<>())
            .add(c);
      }
    }
    abandoned.clear();
    for (Map.Entry<Key, List<Command>> e : groups.entrySet()) {
      Key k = e.getKey();
      if (k.origin() == id) {
        abandoned.add(new Outbox.Abandoned(List.copyOf(e.getValue()), k.reason(), k.hint()));
      } else {
        for (List<Command> part : split(e.getValue())) {
          out.send(k.origin(), new Message.ForwardRejected(id, part, k.reason(), k.hint()));
        }
      }
    }
  }
}
