package io.paxos.core.protocol;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids (origin, client id, sequence) of the last {@code capacity} one-shot commands a proposer
 * queued, so that a command that reaches it twice (a {@code Forward} duplicated by the network) is
 * proposed once, not chosen in two slots. The oldest ids are forgotten first. Session commands
 * ({@link Command#inSession()}) are not tracked: a session's retry is sent again on purpose, and
 * the replicated session table applies it once. Not thread-safe.
 */
final class RecentCommands {
  private record Id(int origin, long clientId, long sequence) {}

  private final Map<Id, Boolean> ids;

  RecentCommands(int capacity) {
    this.ids =
        new LinkedHashMap<>(16, 0.75f, false) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<Id, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  /** Remember {@code command}; false if it was already remembered (a duplicate). */
  boolean add(Command command) {
    return ids.putIfAbsent(
            new Id(command.origin(), command.clientId(), command.sequence()), Boolean.TRUE)
        == null;
  }
}
