package io.paxos.core.sim;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ground truth of what is chosen: a value is chosen in a slot once a phase-2 quorum of the
 * acceptors of a ballot's epoch has sent {@code Accepted} for it in that ballot. Checks that no
 * slot ever has two chosen values in one epoch (even if no learner delivered them), and that
 * learners deliver only the value chosen in the slot's own epoch: the one the delivered log gives
 * it, which starts after each effective {@code Reconfigure} (docs/membership.md). A decision of an
 * ended epoch past that epoch's last slot (a leader that never saw the change) is void: it may
 * differ, and must never be delivered. Not thread-safe.
 */
public final class ChosenChecker {
  private record Key(long slot, Ballot ballot) {}

  private final AcceptHistoryChecker history;
  private final Map<Key, long[]> votes = new HashMap<>();
  // Per slot, per epoch, the value a quorum of that epoch chose.
  private final TreeMap<Long, Map<Integer, Value>> chosen = new TreeMap<>();
  // The memberships the delivered log started, in order; and each epoch's configuration.
  private final List<Membership> memberships = new ArrayList<>();
  private final Map<Integer, ClusterConfig> configs = new HashMap<>();

  public ChosenChecker(ClusterConfig config, AcceptHistoryChecker history) {
    this.history = history;
    memberships.add(Membership.initial(config));
    configs.put(0, config);
  }

  /** An acceptor sent {@code accepted} (to any number of nodes). */
  public void onAcceptedSent(Message.Accepted accepted) {
    ClusterConfig config = configs.get(accepted.ballot().epoch());
    if (config == null) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "acceptor "
              + accepted.from()
              + " voted in ballot "
              + accepted.ballot()
              + ", of an epoch no delivered change started");
    }
    int index = config.acceptorIndex(accepted.from());
    if (index < 0) {
      return; // not an acceptor of the ballot's epoch: its vote counts for nothing
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
    Map<Integer, Value> byEpoch = chosen.computeIfAbsent(slot, k -> new HashMap<>());
    Value before = byEpoch.get(ballot.epoch());
    if (before == null) {
      byEpoch.put(ballot.epoch(), value);
    } else if (before != value && !before.equals(value)) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "slot " + slot + " chose " + before + " and then, in ballot " + ballot + ", " + value);
    }
  }

  /** The membership that governs {@code slot}, as far as the delivered log tells. */
  private Membership membershipOf(long slot) {
    for (int i = memberships.size() - 1; i > 0; i--) {
      if (memberships.get(i).firstSlot() <= slot) {
        return memberships.get(i);
      }
    }
    return memberships.get(0);
  }

  /** The membership the delivered log started last. */
  public Membership latestMembership() {
    return memberships.get(memberships.size() - 1);
  }

  /** How many changes of membership the delivered log holds. */
  public int changes() {
    return memberships.size() - 1;
  }

  /** The highest slot with a value chosen in its own epoch so far (0 if none). */
  public long highestChosen() {
    for (Map.Entry<Long, Map<Integer, Value>> e : chosen.descendingMap().entrySet()) {
      if (e.getValue().containsKey(membershipOf(e.getKey()).epoch())) {
        return e.getKey();
      }
    }
    return 0;
  }

  /** A learner delivered {@code value} at {@code slot}: it must be the chosen value. */
  public void onDeliver(int learner, long slot, Value value) {
    Membership m = membershipOf(slot);
    Map<Integer, Value> byEpoch = chosen.get(slot);
    Value truth = byEpoch == null ? null : byEpoch.get(m.epoch());
    if (truth == null) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "learner "
              + learner
              + " delivered "
              + value
              + " at slot "
              + slot
              + ", where no value is chosen yet in epoch "
              + m.epoch()
              + (byEpoch == null ? "" : " (chosen in other epochs: " + byEpoch + ")"));
    }
    if (truth != value && !truth.equals(value)) {
      throw new InvariantViolation(
          InvariantViolation.CHOSEN,
          "learner "
              + learner
              + " delivered "
              + value
              + " at slot "
              + slot
              + "; chosen in epoch "
              + m.epoch()
              + ": "
              + truth);
    }
    m.after(slot, value)
        .filter(next -> next.epoch() > latestMembership().epoch())
        .ifPresent(
            next -> {
              memberships.add(next);
              configs.put(next.epoch(), next.config());
            });
  }
}
