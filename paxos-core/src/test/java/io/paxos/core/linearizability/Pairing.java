package io.paxos.core.linearizability;

import io.paxos.core.linearizability.HistoryEvent.Fn;
import io.paxos.core.linearizability.HistoryEvent.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Pairs each invocation with its process's next event, its completion, and sorts the operations
 * that can matter by key. Drops failed operations (they did not take effect), reads that did not
 * complete {@code ok} (they constrain nothing), and writes of unknown outcome whose value nobody
 * saw (see {@link #dropUnseenUnknownWrites}); gives the other operations whose outcome is unknown
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
    byKey.values().forEach(Pairing::dropUnseenUnknownWrites);
    return byKey;
  }

  /**
   * Drops the puts and cas operations of unknown outcome whose value no read returned and no cas
   * expected. That changes no verdict: in a linearization that has one, the next operation either
   * overwrites its value (a put, a delete, a cas that expected it: none did) or there is none, so
   * removing it leaves every other result as it was; and without it, it simply never took effect.
   * Each such operation would otherwise double the states a refutation must visit.
   */
  private static void dropUnseenUnknownWrites(List<Operation> ops) {
    Set<String> seen = new HashSet<>();
    for (Operation op : ops) {
      if (op.definite() && op.f() == Fn.GET && op.value() != null) {
        seen.add(op.value());
      }
      if (op.f() == Fn.CAS && op.expected() != null) {
        seen.add(op.expected());
      }
    }
    ops.removeIf(op -> !op.definite() && op.f() != Fn.DELETE && !seen.contains(op.value()));
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
