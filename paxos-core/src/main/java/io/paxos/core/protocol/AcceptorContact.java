package io.paxos.core.protocol;

import java.util.Arrays;

/**
 * A leader's contact with the acceptors of its epoch, by acceptor index: when it last heard from
 * each ({@code Accepted} or {@code HeartbeatAck}), to step down once a phase-2 quorum is out of
 * reach, and the highest heartbeat each acknowledged, to tell when a phase-2 quorum confirmed a
 * heartbeat (read indexes, the lease). Not thread-safe: its {@link DefaultProposer}'s thread calls
 * it.
 */
final class AcceptorContact {
  private final long[] lastContact;
  private final long[] ackedSequence;
  private final int quorum;

  /**
   * @param acceptors how many acceptors the epoch has
   * @param quorum its phase-2 quorum
   */
  AcceptorContact(int acceptors, int quorum) {
    this.lastContact = new long[acceptors];
    this.ackedSequence = new long[acceptors];
    this.quorum = quorum;
  }

  /** A leadership starts at {@code now}: every acceptor counts as heard from, none acknowledged. */
  void reset(long now) {
    Arrays.fill(lastContact, now);
    Arrays.fill(ackedSequence, 0);
  }

  /** The acceptor at {@code index} answered at {@code now}. */
  void heard(int index, long now) {
    lastContact[index] = now;
  }

  /** The acceptor at {@code index} acknowledged heartbeat {@code sequence} at {@code now}. */
  void acked(int index, long sequence, long now) {
    lastContact[index] = now;
    ackedSequence[index] = Math.max(ackedSequence[index], sequence);
  }

  /** Whether a phase-2 quorum answered less than {@code withinMs} before {@code now}. */
  boolean quorumWithin(long now, long withinMs) {
    int reachable = 0;
    for (long contact : lastContact) {
      if (now - contact < withinMs) {
        reachable++;
      }
    }
    return reachable >= quorum;
  }

  /** Whether a phase-2 quorum acknowledged heartbeat {@code sequence} (or a later one). */
  boolean confirmed(long sequence) {
    int acks = 0;
    for (long acked : ackedSequence) {
      if (acked >= sequence) {
        acks++;
      }
    }
    return acks >= quorum;
  }
}
