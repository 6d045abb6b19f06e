package io.paxos.core.protocol;

/**
 * A leader's side of leader leases (docs/leases.md): it records when it read its clock before
 * sending each heartbeat, and once a phase-2 quorum acknowledged one, holds the lease until that
 * reading plus {@code holdMs} ({@code ProtocolOptions.leaseHoldMs}, the lease duration shortened by
 * the clock-drift bound). Each acknowledging acceptor answered after that reading, and refuses
 * other proposers for the lease duration from its answer on its own clock, which outlasts the hold
 * in true time as long as clocks drift within the bound. A phase-2 quorum meets every phase-1
 * quorum, so no other proposer is elected, and nothing is chosen in a higher ballot, while the
 * lease holds.
 *
 * <p>Not thread-safe.
 */
final class LeaderLease {
  /** How many recent heartbeats' send times are remembered; an older one grants no lease. */
  static final int HISTORY = 256;

  private final long holdMs;
  private final long[] sentAt = new long[HISTORY];
  private final long[] sequenceAt = new long[HISTORY];
  private long until = Long.MIN_VALUE;

  /**
   * @param holdMs how long a confirmed heartbeat holds the lease; 0 if leases are off
   */
  LeaderLease(long holdMs) {
    this.holdMs = holdMs;
  }

  /** The heartbeat {@code sequence} is sent with the clock read at {@code now}. */
  void sent(long sequence, long now) {
    int i = (int) Math.floorMod(sequence, (long) HISTORY);
    sentAt[i] = now;
    sequenceAt[i] = sequence;
  }

  /** A phase-2 quorum acknowledged the heartbeat {@code sequence} (or a later one). */
  void confirmed(long sequence) {
    int i = (int) Math.floorMod(sequence, (long) HISTORY);
    if (holdMs > 0 && sequenceAt[i] == sequence && sequence != 0) {
      long end = sentAt[i] > Long.MAX_VALUE - holdMs ? Long.MAX_VALUE : sentAt[i] + holdMs;
      until = Math.max(until, end);
    }
  }

  /** Whether the lease holds at {@code now}. */
  boolean holds(long now) {
    return now < until;
  }

  /** A new leadership, or the end of one: no lease until a heartbeat of it is confirmed. */
  void reset() {
    until = Long.MIN_VALUE;
    java.util.Arrays.fill(sequenceAt, 0);
  }
}
