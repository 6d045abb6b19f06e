package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The key-value state machine of each learner node, applied as the runtime's applier does: each
 * delivered slot in order, each session command once through the library's {@link SessionTable} (a
 * retry gets the first result). A (re)started node's replica is rebuilt from its snapshot and log,
 * as {@link ReplicaChecker}'s are. Not thread-safe.
 */
final class KvReplicas {
  /** A command was applied (or answered from the session table) at a learner. */
  interface Results {
    void applied(int learner, Command command, long slot, byte[] result);
  }

  private static final class Replica {
    final KvStore store = new KvStore();
    final SessionTable sessions = new SessionTable();
    long nextSlot = 1;
  }

  private final Map<Integer, Replica> replicas = new HashMap<>();

  /** {@code learner} (re)starts with the chosen values {@code log} of slots 1..n applied. */
  void onStart(int learner, List<Value> log) {
    Replica r = new Replica();
    replicas.put(learner, r);
    for (Value v : log) {
      apply(r, v, learner, null); // a replay: whoever waited for these results is gone
    }
  }

  /** {@code learner} delivered {@code value} at {@code slot}; {@code results} hears of each. */
  void onDeliver(int learner, long slot, Value value, Results results) {
    Replica r = replicas.get(learner);
    if (r != null && slot == r.nextSlot) {
      apply(r, value, learner, results);
    }
  }

  private static void apply(Replica r, Value value, int learner, Results results) {
    long slot = r.nextSlot++;
    for (Command c : value.commands()) {
      byte[] result = r.sessions.apply(c, slot, r.store::apply);
      if (result != null && results != null) {
        results.applied(learner, c, slot, result);
      }
    }
  }

  /** The value of {@code key} at {@code learner} (null: absent). */
  String get(int learner, String key) {
    return replicas.get(learner).store.get(key);
  }

  /** The highest slot {@code learner} has applied. */
  long applied(int learner) {
    Replica r = replicas.get(learner);
    return r == null ? 0 : r.nextSlot - 1;
  }
}
