package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ground truth of what is chosen: a value is chosen in a slot once a phase-2 quorum of
 * acceptors has sent {@code Accepted} for it in one ballot. Checks that no slot ever has two chosen
 * values (even if no learner delivered them), and that learners deliver only chosen values. Not
 * thread-safe.
 */
public final class ChosenChecker {
  private record Key(long slot, Ballot ballot) {}

  private final ClusterConfig config;
  private final AcceptHistoryChecker history;
  private final Map<Key, long[]> votes = new HashMap<>();
  private final List<Value> chosen = new ArrayList<>();

  public ChosenChecker(ClusterConfig config, AcceptHistoryChecker history) {
    this.config = config;
    this.history = history;
  }

  /** An acceptor sent {@code accepted} (to any number of nodes). */
  public void onAcceptedSent(Message.Accepted accepted) {
    int index = config.acceptorIndex(accepted.from());
    if (index < 0) {
      return;
    }
    long bit = 1L << index;
    for (long s = accepted.firstSlot(); s < accepted.firstSlot() + accepted.count(); s++) {
      long[] mask = votes.computeIfAbsent(new Key(s, accepted.ballot()), k -> new long[1]);
      if ((mask[0] & bit) != 0) {
        continue;
      }
      mask[0] |= bit;
      if (Long.bitCount(mask[0]) == config.phase2Quorum()) {
        Value value =
            history
                .proposed(accepted.ballot(), s)
                .orElseThrow(
                    () ->
                        new InvariantViolation(
                            InvariantViolation.CHOSEN,
                            "acceptor "
                                + accepted.from()
                                + " voted for "
                                + accepted
                                + ", which no Accept proposed"));
        choose(s, accepted.ballot(), value);
      }
    }
  }

  private void choose(long slot, Ballot ballot, Value value) {
    int index = (int) slot - 1;
    while (chosen.size() <= index) {
      chosen.add(null);
    }
    Value before = chosen.get(index);
    if (before == null) {
      chosen.set(index, value);
    } else if (before != value && !before.equals(value)) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "slot " + slot + " chose " + before + " and then, in ballot " + ballot + ", " + value);
    }
  }

  /** The highest slot with a chosen value so far (0 if none). */
  public long highestChosen() {
    return chosen.size();
  }

  /** A learner delivered {@code value} at {@code slot}: it must be the chosen value. */
  public void onDeliver(int learner, long slot, Value value) {
    Value truth = slot <= chosen.size() ? chosen.get((int) slot - 1) : null;
    if (truth == null) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "learner "
              + learner
              + " delivered "
              + value
              + " at slot "
              + slot
              + ", where no value is chosen yet");
    }
    if (truth != value && !truth.equals(value)) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "learner " + learner + " delivered " + value + " at slot " + slot + "; chosen: " + truth);
    }
  }
}
