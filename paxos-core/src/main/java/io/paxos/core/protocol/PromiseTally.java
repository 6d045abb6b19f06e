package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import java.util.Arrays;
import java.util.TreeMap;

/**
 * A candidate's phase 1: the promises for its {@code Prepare} from {@link #prepareFrom()}, and per
 * slot the value of the highest ballot they report. A promise too large for one message comes in
 * parts, each asked for by a {@code Prepare} from where the last ended; an acceptor counts towards
 * the quorum once its promise is complete. An acceptor that compacted slots reports from a later
 * slot than asked: those below are chosen, and the new leader starts above them ({@link
 * #firstSlot()}).
 *
 * <p>Not thread-safe; owned by its {@link DefaultProposer}.
 */
final class PromiseTally {
  private final ClusterConfig config;
  private long prepareFrom;
  private long promisedBy;
  private long promisedFrom;
  // Per acceptor, every slot from prepareFrom below this is reported in its promise.
  private final long[] reportedBelow;
  private final TreeMap<Long, AcceptedEntry> reported = new TreeMap<>();

  PromiseTally(ClusterConfig config, int acceptorCount) {
    this.config = config;
    this.reportedBelow = new long[acceptorCount];
  }

  /** A new campaign, whose {@code Prepare} asks from {@code from}: forget the last one's. */
  void start(long from) {
    promisedBy = 0;
    promisedFrom = 0;
    reported.clear();
    prepareFrom = from;
    Arrays.fill(reportedBelow, prepareFrom);
  }

  /** The first slot the campaign's {@code Prepare} asks about. */
  long prepareFrom() {
    return prepareFrom;
  }

  /**
   * Count a promise (or part of one) for the campaign of {@code ballot}, of proposer {@code id}:
   * ask for the next part if it is not complete, and say whether a phase-1 quorum has now promised.
   */
  boolean onPromise(Message.Promise promise, int id, Ballot ballot, Outbox out) {
    int index = config.acceptorIndex(promise.from());
    if (index < 0 || (promisedBy & (1L << index)) != 0) {
      return false;
    }
    // Every part answers a Prepare from reportedBelow (or earlier, a duplicate), so a part
    // starting above it was cut by compaction; one starting at it only continues the report.
    if (promise.fromSlot() > reportedBelow[index]) {
      promisedFrom = Math.max(promisedFrom, promise.fromSlot());
    }
    for (AcceptedEntry e : promise.accepted()) {
      // R2: an entry of an earlier epoch than the campaign's is void (docs/membership.md).
      if (e.slot() < prepareFrom || e.ballot().epoch() < ballot.epoch()) {
        continue;
      }
      AcceptedEntry known = reported.get(e.slot());
      if (known == null || e.ballot().isAbove(known.ballot())) {
        reported.put(e.slot(), e);
      }
    }
    // The slots from reportedBelow up to this part's end are reported now (those it skipped are
    // compacted, so chosen and below promisedFrom).
    long end = promise.complete() ? Long.MAX_VALUE : promise.nextFrom();
    if (end <= reportedBelow[index]) {
      return false; // a duplicate of an earlier part
    }
    reportedBelow[index] = end;
    if (!promise.complete()) {
      out.send(promise.from(), new Message.Prepare(id, ballot, end));
      return false;
    }
    promisedBy |= 1L << index;
    return Long.bitCount(promisedBy) >= config.phase1Quorum();
  }

  /**
   * The first slot the new leader may propose in. Slots below a promise's fromSlot were compacted
   * by that acceptor: they are chosen, and with their entries gone, proposing there (a no-op in a
   * "hole") could choose a second value.
   */
  long firstSlot() {
    return Math.max(prepareFrom, promisedFrom);
  }

  /** The highest slot reported, or {@code firstSlot() - 1} if none from it on. */
  long lastSlot() {
    long first = firstSlot();
    return reported.isEmpty() ? first - 1 : Math.max(first - 1, reported.lastKey());
  }

  /** The value of the highest ballot reported in {@code slot}, or a no-op if none is. */
  Value value(long slot) {
    AcceptedEntry e = reported.get(slot);
    return e == null ? Value.NOOP : e.value();
  }

  /** The leader took the reported values: drop them. */
  void clear() {
    reported.clear();
  }
}
