package io.paxos.core.sim;

import java.util.HashMap;
import java.util.Map;

/**
 * The simulated clients' key-value state machine: string keys and values, and the writes of {@link
 * KvCommand}. Commands that are not key-value writes (the byte workload's) change nothing. Not
 * thread-safe.
 */
final class KvStore {
  /** Told of every change a write made, for a history of the chosen log. */
  interface Changes {
    void changed(String key, String value);
  }

  private static final byte[] IGNORED = new byte[0];

  private final Map<String, String> values = new HashMap<>();
  private final Changes changes;

  KvStore() {
    this((k, v) -> {});
  }

  KvStore(Changes changes) {
    this.changes = changes;
  }

  /** Apply one command's payload; the result tells a cas whether its comparison held. */
  byte[] apply(byte[] payload) {
    KvCommand c = KvCommand.decode(payload);
    if (c == null) {
      return IGNORED;
    }
    switch (c.op()) {
      case PUT:
        set(c.key(), c.value());
        return KvCommand.APPLIED;
      case DELETE:
        set(c.key(), null);
        return KvCommand.APPLIED;
      case CAS:
        if (!java.util.Objects.equals(values.get(c.key()), c.expected())) {
          return KvCommand.NOT_APPLIED;
        }
        set(c.key(), c.value());
        return KvCommand.APPLIED;
      default:
        throw new IllegalStateException("unknown op " + c.op());
    }
  }

  private void set(String key, String value) {
    if (value == null) {
      values.remove(key);
    } else {
      values.put(key, value);
    }
    changes.changed(key, value);
  }

  /** The value of {@code key}, null if absent. */
  String get(String key) {
    return values.get(key);
  }
}
