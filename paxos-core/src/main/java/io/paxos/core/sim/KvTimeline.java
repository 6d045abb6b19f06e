package io.paxos.core.sim;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.SessionTable;
import io.paxos.core.protocol.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The chosen log as the key-value state machine sees it: every key's value after every slot,
 * rebuilt once from the values the learners agreed on ({@link AgreementChecker}), through the
 * library's session table as the replicas apply them. The reference that reads which promise less
 * than linearizability are checked against. Not thread-safe.
 */
final class KvTimeline {
  private static final String ABSENT = "\u0000absent";

  private final AgreementChecker agreement;
  private final SessionTable sessions = new SessionTable();
  // key -> (slot -> value after that slot, ABSENT for none); only slots that changed the key
  private final Map<String, TreeMap<Long, String>> changes = new HashMap<>();
  private final KvStore store;
  private long through;
  private long applying;

  KvTimeline(AgreementChecker agreement) {
    this.agreement = agreement;
    this.store =
        new KvStore(
            (key, value) ->
                changes
                    .computeIfAbsent(key, k -> new TreeMap<>())
                    .put(applying, value == null ? ABSENT : value));
  }

  /** Apply the chosen values not applied yet; the highest slot of the contiguous chosen prefix. */
  long catchUp() {
    Value v;
    while ((v = agreement.delivered(through + 1)) != null) {
      applying = ++through;
      for (Command c : v.commands()) {
        sessions.apply(c, applying, store::apply);
      }
    }
    return through;
  }

  /**
   * Whether {@code key} held {@code value} (null: absent) after some slot in {@code [from, to]}:
   * after slot {@code from} itself, or a write in {@code (from, to]} set it.
   */
  boolean held(String key, String value, long from, long to) {
    TreeMap<Long, String> history = changes.getOrDefault(key, new TreeMap<>());
    String want = value == null ? ABSENT : value;
    Map.Entry<Long, String> atFrom = history.floorEntry(from);
    if (Objects.equals(atFrom == null ? ABSENT : atFrom.getValue(), want)) {
      return true;
    }
    return to > from && history.subMap(from, false, to, true).containsValue(want);
  }

  /** The slots, at most the last 4, after which {@code key} held {@code value}, for a report. */
  String whenHeld(String key, String value) {
    String want = value == null ? ABSENT : value;
    StringBuilder b = new StringBuilder();
    for (Map.Entry<Long, String> e : changes.getOrDefault(key, new TreeMap<>()).entrySet()) {
      if (e.getValue().equals(want)) {
        b.append(b.length() == 0 ? "" : ", ").append(e.getKey());
      }
    }
    return value == null ? "absent at 0" + (b.length() == 0 ? "" : ", from " + b) : "set at " + b;
  }
}
