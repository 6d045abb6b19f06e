package io.paxos.core.sim;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Acceptor;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Acceptor monotonicity and durability: an acceptor's promise never decreases while it runs, and
 * after a restart it is at least every ballot the acceptor had vouched for in a message it sent
 * ({@code Promise}, {@code Accepted}, {@code HeartbeatAck}); every slot it had reported {@code
 * Accepted} for is still accepted there at that ballot or a higher one. A reply sent before its
 * state was synced shows up here once a crash loses that state. Not thread-safe.
 */
public final class AcceptorChecker {
  private static final class Watch {
    Ballot current = Ballot.ZERO;
    Ballot vouched = Ballot.ZERO;
    final Map<Long, Ballot> acceptedSent = new HashMap<>();
  }

  private final Map<Integer, Watch> watches = new TreeMap<>();

  /** After a step of {@code acceptor}, its promise is {@code promised}. */
  public void observe(int acceptor, Ballot promised) {
    Watch w = watch(acceptor);
    if (!promised.isAtLeast(w.current)) {
      throw new InvariantViolation(
          InvariantViolation.ACCEPTOR_MONOTONICITY,
          "acceptor " + acceptor + " lowered its promise from " + w.current + " to " + promised);
    }
    w.current = promised;
  }

  /** {@code acceptor} sent {@code message} (only votes matter; other messages are ignored). */
  public void onSent(int acceptor, Message message) {
    if (message instanceof Message.Promise p) {
      vouch(acceptor, p.ballot());
    } else if (message instanceof Message.HeartbeatAck h) {
      vouch(acceptor, h.ballot());
    } else if (message instanceof Message.Accepted a) {
      Watch w = vouch(acceptor, a.ballot());
      for (long s = a.firstSlot(); s < a.firstSlot() + a.count(); s++) {
        w.acceptedSent.merge(s, a.ballot(), Ballot::max);
      }
    }
  }

  private Watch vouch(int acceptor, Ballot ballot) {
    Watch w = watch(acceptor);
    w.vouched = Ballot.max(w.vouched, ballot);
    return w;
  }

  /** {@code acceptor} restarted from its durable state. */
  public void onRestart(int acceptor, Acceptor restarted) {
    Watch w = watch(acceptor);
    Ballot promised = restarted.promised();
    if (!promised.isAtLeast(w.vouched)) {
      throw new InvariantViolation(
          InvariantViolation.ACCEPTOR_MONOTONICITY,
          "acceptor "
              + acceptor
              + " restarted with promise "
              + promised
              + " below ballot "
              + w.vouched
              + " it had voted for before the crash (reply sent before its state was synced?)");
    }
    // Votes in compacted slots are gone by design (CompactionChecker checks they were chosen).
    w.acceptedSent.keySet().removeIf(slot -> slot <= restarted.compactedThrough());
    for (Map.Entry<Long, Ballot> e : new TreeMap<>(w.acceptedSent).entrySet()) {
      Optional<AcceptedEntry> kept = restarted.accepted(e.getKey());
      if (kept.isEmpty() || !kept.get().ballot().isAtLeast(e.getValue())) {
        throw new InvariantViolation(
            InvariantViolation.ACCEPTOR_MONOTONICITY,
            "acceptor "
                + acceptor
                + " restarted without its vote for slot "
                + e.getKey()
                + " in ballot "
                + e.getValue()
                + " (has "
                + kept.map(AcceptedEntry::toString).orElse("nothing")
                + ")");
      }
    }
    w.current = promised;
  }

  /**
   * {@code acceptor} lost its whole storage (a wipe fault): what it vouched for before is gone by
   * the fault's design, so this check starts over; the end-to-end checks (agreement, acknowledged
   * commands) judge what the loss does.
   */
  public void forget(int acceptor) {
    watches.remove(acceptor);
  }

  private Watch watch(int acceptor) {
    return watches.computeIfAbsent(acceptor, k -> new Watch());
  }
}
