package io.paxos.core.protocol;

/**
 * An acceptor's side of leader leases (docs/leases.md): having acknowledged a leader's heartbeat or
 * {@code Accept}, it refuses to promise any other proposer's higher ballot for the lease duration
 * on its own clock, counted from a reading of its clock taken after the acknowledged message
 * arrived.
 *
 * <p>A host may read its clock once per turn, before the turn's inputs (the runtime does), so the
 * {@code now} a message comes with can predate its arrival by as long as the thread was paused in
 * between. The promise therefore starts at the end of the next turn ({@link #endTurn}), whose clock
 * reading was taken after every input of the turn that granted it, and holds meanwhile.
 *
 * <p>An acceptor that restarted with a promise may have granted a lease it no longer knows of: it
 * holds the promise from its first turn on, as if it had just granted one.
 *
 * <p>Not thread-safe.
 */
final class LeasePromise {
  private final long durationMs;
  private long until = Long.MIN_VALUE;
  private boolean grantedThisTurn;
  private boolean grantedBefore;

  /**
   * @param durationMs the lease duration; 0 if leases are off (then it never holds)
   * @param mayHaveGranted whether the acceptor restarted with a promise (it may have granted one)
   */
  LeasePromise(long durationMs, boolean mayHaveGranted) {
    this.durationMs = durationMs;
    this.grantedBefore = durationMs > 0 && mayHaveGranted;
  }

  /** The acceptor acknowledges the leader of the ballot it promised, in this turn. */
  void grant() {
    grantedThisTurn = durationMs > 0;
  }

  /**
   * The turn ends at {@code now}: grants of earlier turns last until {@code now + duration} (this
   * reading was taken after they arrived); this turn's wait for the next one.
   */
  void endTurn(long now) {
    if (grantedBefore) {
      until = Math.max(until, saturatedAdd(now, durationMs));
    }
    grantedBefore = grantedThisTurn;
    grantedThisTurn = false;
  }

  /** Whether the acceptor must refuse other proposers' higher ballots at {@code now}. */
  boolean holds(long now) {
    return grantedThisTurn || grantedBefore || now < until;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }
}
