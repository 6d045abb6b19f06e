package io.paxos.core.linearizability;

import io.paxos.core.linearizability.HistoryEvent.Fn;
import io.paxos.core.linearizability.HistoryEvent.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pairs each invocation with its process's next event, its completion, and sorts the operations
 * that can matter by key. Drops failed operations (they did not take effect) and reads that did not
 * complete {@code ok} (they constrain nothing); gives the other operations whose outcome is unknown
 * ({@code info}, or no completion at all) an open end. Stateless.
 */
final class Pairing {
  private Pairing() {}

  /**
   * The operations of {@code history} by key, in key order.
   *
   * @throws IllegalArgumentException naming the event, if the history is malformed
   */
  static SortedMap<String, List<Operation>> byKey(List<HistoryEvent> history) {
    SortedMap<String, List<Operation>> byKey = new TreeMap<>();
    Map<Long, Integer> pending = new HashMap<>();
    for (int i = 0; i < history.size(); i++) {
      HistoryEvent event = history.get(i);
      Integer open = pending.get(event.process());
      if (event.type() == Type.INVOKE) {
        if (open != null) {
          throw malformed(
              i, "process " + event.process() + " invokes while event #" + open + " is pending");
        }
        if ((event.f() == Fn.PUT || event.f() == Fn.CAS) && event.value().isEmpty()) {
          throw malformed(i, "a " + event.f().json() + " invocation needs a value");
        }
        byKey.computeIfAbsent(event.key(), k -> new ArrayList<>());
        pending.put(event.process(), i);
        continue;
      }
      if (open == null) {
        throw malformed(
            i, "process " + event.process() + " completes an operation it did not invoke");
      }
      HistoryEvent invoke = history.get(open);
      if (invoke.f() != event.f() || !invoke.key().equals(event.key())) {
        throw malformed(
            i,
            "completes "
                + event.f().json()
                + " of key "
                + HistoryJson.quote(event.key())
                + " but event #"
                + open
                + " invoked "
                + invoke.f().json()
                + " of key "
                + HistoryJson.quote(invoke.key()));
      }
      if (event.timeNs() < invoke.timeNs()) {
        throw malformed(i, "completes at " + event.timeNs() + ", before its invocation");
      }
      pending.remove(event.process());
      add(byKey, open, invoke, event);
    }
    for (int open : pending.values().stream().sorted().toList()) {
      add(byKey, open, history.get(open), null);
    }
    return byKey;
  }

  private static void add(
      SortedMap<String, List<Operation>> byKey,
      int index,
      HistoryEvent invoke,
      HistoryEvent completion) {
    Type outcome = completion == null ? Type.INFO : completion.type();
    if (outcome == Type.FAIL || (invoke.f() == Fn.GET && outcome != Type.OK)) {
      return;
    }
    boolean definite = outcome == Type.OK;
    String value =
        invoke.f() == Fn.GET ? completion.value().orElse(null) : invoke.value().orElse(null);
    byKey
        .get(invoke.key())
        .add(
            new Operation(
                index,
                invoke.process(),
                invoke.f(),
                value,
                invoke.expected().orElse(null),
                invoke.timeNs(),
                definite ? completion.timeNs() : Long.MAX_VALUE,
                definite));
  }

  private static IllegalArgumentException malformed(int index, String what) {
    return new IllegalArgumentException("event #" + index + ": " + what);
  }
}
