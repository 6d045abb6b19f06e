package io.paxos.core.sim;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A history check over every {@code Accept} ever sent: no (ballot, slot) carries two different
 * values. A proposer that reuses a ballot after a restart (or proposes twice into one slot) breaks
 * it. Not thread-safe.
 */
public final class AcceptHistoryChecker {
  private record Key(Ballot ballot, long slot) {}

  private final Map<Key, Value> proposed = new HashMap<>();
  private Message.Accept last;

  /** Some node sent {@code accept} (to any number of nodes). */
  public void onAccept(Message.Accept accept) {
    if (accept == last) {
      return;
    }
    last = accept;
    long slot = accept.firstSlot();
    for (Value value : accept.values()) {
      Value before = proposed.putIfAbsent(new Key(accept.ballot(), slot), value);
      if (before != null && before != value && !before.equals(value)) {
        throw new InvariantViolation(
            InvariantViolation.BALLOT_UNIQUENESS,
            "ballot "
                + accept.ballot()
                + " proposed two values for slot "
                + slot
                + ": "
                + before
                + " and "
                + value
                + " (sent by node "
                + accept.from()
                + ")");
      }
      slot++;
    }
  }

  /** The value proposed in {@code ballot} for {@code slot}, if any Accept carried one. */
  public Optional<Value> proposed(Ballot ballot, long slot) {
    return Optional.ofNullable(proposed.get(new Key(ballot, slot)));
  }
}
