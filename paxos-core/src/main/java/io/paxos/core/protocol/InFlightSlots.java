package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A leader's phase-2 pipeline: the slots it proposed and has not learned chosen yet (each one's
 * value, votes and last send), and the values of the last {@code window} slots it learned chosen
 * ({@link Proposer#chosenValue}). It sends the {@code Accept}s, tallies the {@code Accepted} votes,
 * and sends a slot no quorum accepted within {@code retransmitMs} again, to the acceptors whose
 * vote is missing. Not thread-safe: its {@link DefaultProposer}'s thread calls it.
 */
final class InFlightSlots {
  private static final class InFlight {
    final Value value;
    final long bytes;
    long votes;
    long sentAt;
    boolean chosen;

    InFlight(Value value) {
      this.value = value;
      this.bytes = MessageBytes.value(value);
    }
  }

  private final int id;
  private final ProtocolOptions options;
  // The most bytes of values one Accept carries.
  private final long valueBudget;
  // The most bytes of values in slots proposed and not yet chosen: a pipeline bounded by bytes as
  // well as by slots keeps a burst of large commands from queueing heartbeats behind it for
  // longer than an election timeout.
  private final long budget;
  private final SlotRing<InFlight> inFlight = new SlotRing<>(1, 1024);
  private final SlotRing<Value> committed = new SlotRing<>(1, 1024);
  private long bytes;

  InFlightSlots(int id, ProtocolOptions options, long valueBudget) {
    this.id = id;
    this.options = options;
    this.valueBudget = valueBudget;
    this.budget = DefaultProposer.IN_FLIGHT_MESSAGES * valueBudget;
  }

  /** Forget every slot: the next one proposed (or chosen) is {@code first}. */
  void reset(long first) {
    inFlight.reset(first);
    bytes = 0;
    committed.reset(first);
  }

  /** Propose {@code value} in {@code slot}. */
  void add(long slot, Value value) {
    InFlight f = new InFlight(value);
    inFlight.put(slot, f);
    bytes += f.bytes;
  }

  /** Whether the values in flight fill less than the byte budget. */
  boolean belowBudget() {
    return bytes < budget;
  }

  /**
   * Send the slots {@code first .. end - 1} in as few {@code Accept}s as {@code maxSlotsPerMessage}
   * and {@code maxMessageBytes} allow (each carries at least one slot).
   */
  void sendAccepts(
      long first, long end, int[] targets, Ballot ballot, long commitIndex, long now, Outbox out) {
    long s = first;
    while (s < end) {
      List<Value> values = new ArrayList<>((int) Math.min(end - s, maxSlotsPerAccept()));
      long from = s;
      long bytes = 0;
      while (s < end && values.size() < maxSlotsPerAccept()) {
        InFlight f = inFlight.get(s);
        if (!values.isEmpty() && bytes + f.bytes > valueBudget) {
          break;
        }
        f.sentAt = now;
        values.add(f.value);
        bytes += f.bytes;
        s++;
      }
      out.send(targets, new Message.Accept(id, ballot, from, values, commitIndex));
    }
  }

  private int maxSlotsPerAccept() {
    return options.maxSlotsPerMessage();
  }

  /**
   * Send again, in runs of consecutive slots, the slots {@code commitIndex .. unsentFrom - 1} not
   * chosen and last sent {@code retransmitMs} ago or more, to the acceptors missing from their
   * votes.
   */
  void retransmit(
      long commitIndex, long unsentFrom, int[] acceptors, Ballot ballot, long now, Outbox out) {
    long runStart = -1;
    long missing = 0;
    for (long s = commitIndex; s < unsentFrom; s++) {
      InFlight f = inFlight.get(s);
      boolean due = f != null && !f.chosen && now - f.sentAt >= options.retransmitMs();
      if (due && runStart < 0) {
        runStart = s;
      }
      if (due) {
        missing |= ~f.votes;
      }
      boolean runEnds = runStart >= 0 && (!due || s + 1 == unsentFrom);
      if (runEnds) {
        long end = due ? s + 1 : s;
        sendAccepts(
            runStart, end, targetsMissing(missing, acceptors), ballot, commitIndex, now, out);
        runStart = -1;
        missing = 0;
      }
    }
  }

  private static int[] targetsMissing(long missingVotes, int[] acceptors) {
    int[] targets = new int[acceptors.length];
    int n = 0;
    for (int i = 0; i < acceptors.length; i++) {
      if ((missingVotes & (1L << i)) != 0) {
        targets[n++] = acceptors[i];
      }
    }
    return Arrays.copyOf(targets, n);
  }

  /**
   * The acceptor of vote bit {@code bit} accepted the slots {@code first .. end - 1}: each is
   * chosen once {@code quorum} acceptors did.
   */
  void vote(long first, long end, long bit, int quorum) {
    for (long s = first; s < end; s++) {
      InFlight f = inFlight.get(s);
      if (f != null && !f.chosen) {
        f.votes |= bit;
        f.chosen = Long.bitCount(f.votes) >= quorum;
      }
    }
  }

  /**
   * The value of {@code slot} if a quorum accepted it, now kept as chosen (and its bytes no longer
   * in flight); null if it is not chosen yet.
   */
  Value takeChosen(long slot) {
    InFlight f = inFlight.get(slot);
    if (f == null || !f.chosen) {
      return null;
    }
    committed.put(slot, f.value);
    bytes -= f.bytes;
    return f.value;
  }

  /** Every slot below {@code commitIndex} is chosen: forget them but the last {@code window}. */
  void advanceTo(long commitIndex) {
    inFlight.advanceTo(commitIndex);
    committed.advanceTo(commitIndex - options.window());
  }

  /** Hand the commands in the slots {@code from .. end - 1} not known chosen to {@code keeper}. */
  void keepUnresolved(long from, long end, UnresolvedSlots keeper) {
    for (long s = from; s < end; s++) {
      InFlight f = inFlight.get(s);
      if (f != null && !f.chosen) {
        keeper.keep(s, f.value.commands());
      }
    }
  }

  /** The value chosen in {@code slot}, if it is among the last {@code window} learned chosen. */
  Value chosenValue(long slot) {
    return committed.get(slot);
  }
}
