package io.paxos.core.protocol;

import java.util.List;

/**
 * What a node had made durable before it stopped, handed back to the roles when it starts again.
 *
 * <p><b>Compaction invariant.</b> Every slot up to and including {@code compactedThrough} is chosen
 * and covered by a durable snapshot: this node's own, or, on a node that hosts an acceptor but no
 * learner, those of a majority of the learners; the roles forget those slots (the acceptor reports
 * nothing below it, the learner starts after it). {@code chosen} holds the values of the slots
 * after it, from {@code compactedThrough + 1} onward without gaps.
 *
 * @param promised the acceptor's promise
 * @param accepted the acceptor's accepted entries above {@code compactedThrough}, at most one per
 *     slot (the last accepted)
 * @param maxRound the highest round the proposer used; it starts above it
 * @param chosen the values this node had learned as chosen, from slot {@code compactedThrough + 1}
 *     onward without gaps
 * @param compactedThrough the slot the newest snapshot the log was compacted to covers; 0 if none
 */
public record DurableState(
    Ballot promised,
    List<AcceptedEntry> accepted,
    long maxRound,
    List<Value> chosen,
    long compactedThrough) {
  /** A node that never ran. */
  public static final DurableState EMPTY = new DurableState(Ballot.ZERO, List.of(), 0, List.of());

  public DurableState {
    if (compactedThrough < 0) {
      throw new IllegalArgumentException("compactedThrough is negative: " + compactedThrough);
    }
    accepted = List.copyOf(accepted);
    chosen = List.copyOf(chosen);
  }

  /** State with no compaction: {@code chosen} starts at slot 1. */
  public DurableState(
      Ballot promised, List<AcceptedEntry> accepted, long maxRound, List<Value> chosen) {
    this(promised, accepted, maxRound, chosen, 0);
  }

  /** The first slot not known chosen here: the slot after the last chosen value. */
  public long nextChosenSlot() {
    return compactedThrough + chosen.size() + 1;
  }

  /**
   * This state as seen after a snapshot covering every slot through {@code snapshotSlot} was
   * restored: compacted through it, without the chosen values and accepted entries it covers.
   *
   * @throws IllegalArgumentException if {@code snapshotSlot} is below {@link #compactedThrough()}
   *     (the log was compacted to a snapshot that is newer than this one)
   */
  public DurableState afterSnapshot(long snapshotSlot) {
    if (snapshotSlot < compactedThrough) {
      throw new IllegalArgumentException(
          "snapshot of slot "
              + snapshotSlot
              + " is older than the compaction of the log through slot "
              + compactedThrough);
    }
    if (snapshotSlot == compactedThrough) {
      return this;
    }
    int drop = (int) Math.min(chosen.size(), snapshotSlot - compactedThrough);
    return new DurableState(
        promised,
        accepted.stream().filter(e -> e.slot() > snapshotSlot).toList(),
        maxRound,
        chosen.subList(drop, chosen.size()),
        snapshotSlot);
  }
}
