package io.paxos.core.sim;

import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Value;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A history check over every {@code Accept} ever sent: no (ballot, slot) carries two different
 * values. A proposer that reuses a ballot after a restart (or proposes twice into one slot) breaks
 * it. Also checks the {@code Prepare}s: no ballot is prepared by two incarnations of its proposer,
 * which catches a reused ballot even before it carries a second value. Not thread-safe.
 */
public final class AcceptHistoryChecker {
  private record Key(Ballot ballot, long slot) {}

  private final Map<Key, Value> proposed = new HashMap<>();
  private final Set<Ballot> ballots = new HashSet<>();
  private final Map<Ballot, Integer> preparedBy = new HashMap<>();
  private Message.Accept last;

  /** Some node sent {@code accept} (to any number of nodes). */
  public void onAccept(Message.Accept accept) {
    if (accept == last) {
      return;
    }
    last = accept;
    ballots.add(accept.ballot());
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

  /** The {@code incarnation}-th run of a proposer sent {@code prepare}. */
  public void onPrepare(Message.Prepare prepare, int incarnation) {
    Integer first = preparedBy.putIfAbsent(prepare.ballot(), incarnation);
    if (first != null && first != incarnation) {
      throw new InvariantViolation(
          InvariantViolation.BALLOT_UNIQUENESS,
          "node "
              + prepare.from()
              + " prepared ballot "
              + prepare.ballot()
              + " again after a restart (incarnations "
              + first
              + " and "
              + incarnation
              + ")");
    }
  }

  /** How many distinct ballots sent an Accept: the number of leaderships that reached phase 2. */
  public int ballots() {
    return ballots.size();
  }

  /** The value proposed in {@code ballot} for {@code slot}, if any Accept carried one. */
  public Optional<Value> proposed(Ballot ballot, long slot) {
    return Optional.ofNullable(proposed.get(new Key(ballot, slot)));
  }
}
