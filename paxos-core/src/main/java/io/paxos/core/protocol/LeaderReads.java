package io.paxos.core.protocol;

import java.util.ArrayDeque;
import java.util.function.LongPredicate;

/**
 * The reads a leader has yet to answer (docs/linearizability.md, docs/leases.md). A read-index read
 * gets the next slot to propose once a heartbeat sent after it arrived is acknowledged by a phase-2
 * quorum; a lease read gets it at once while the leader's lease holds, at a clock reading taken
 * after the read arrived (so only in a later turn than its own; see ProtocolNode#read), and waits
 * for the heartbeat round otherwise. A leader that steps down refuses them all.
 *
 * <p>Not thread-safe; owned by its {@link DefaultProposer}.
 */
final class LeaderReads {
  private record PendingRead(int origin, long readId, long readIndex, long sequence) {}

  private final int id;
  private final ArrayDeque<PendingRead> reads = new ArrayDeque<>();
  // Lease reads that arrived in this turn, and in earlier ones: only the latter are answered from
  // the lease, at a clock reading taken after they arrived (see ProtocolNode#read).
  private final ArrayDeque<PendingRead> leaseReadsArrived = new ArrayDeque<>();
  private final ArrayDeque<PendingRead> leaseReadsDue = new ArrayDeque<>();
  private boolean roundWanted;

  LeaderReads(int id) {
    this.id = id;
  }

  /**
   * A read index asked for: it is {@code readIndex} once heartbeat {@code sequence} is confirmed.
   */
  void awaitRound(int origin, long readId, long readIndex, long sequence) {
    reads.add(new PendingRead(origin, readId, readIndex, sequence));
    roundWanted = true;
  }

  /** A lease read arrived in this turn: it is answered in a later one. */
  void arrivedLeaseRead(int origin, long readId) {
    leaseReadsArrived.add(new PendingRead(origin, readId, 0, 0));
  }

  /**
   * Answer the lease reads that arrived before this turn with {@code nextSlot} if the lease {@code
   * holds}, or else wait for heartbeat {@code nextSequence}; those of this turn wait for the next.
   */
  void serveLeaseReads(
      boolean holds, long nextSlot, long nextSequence, int leaderHint, Outbox out) {
    for (PendingRead read : leaseReadsDue) {
      if (holds) {
        answer(read.origin(), read.readId(), true, nextSlot, leaderHint, out);
      } else {
        reads.add(new PendingRead(read.origin(), read.readId(), nextSlot, nextSequence));
        roundWanted = true;
      }
    }
    leaseReadsDue.clear();
    leaseReadsDue.addAll(leaseReadsArrived);
    leaseReadsArrived.clear();
  }

  /** Whether a heartbeat round is wanted for the reads; asking clears it. */
  boolean takeRoundWanted() {
    boolean wanted = roundWanted;
    roundWanted = false;
    return wanted;
  }

  /** Answer, in order, the reads whose heartbeat a phase-2 quorum has now {@code confirmed}. */
  void answerConfirmed(LongPredicate confirmed, int leaderHint, Outbox out) {
    while (!reads.isEmpty() && confirmed.test(reads.peek().sequence())) {
      PendingRead read = reads.poll();
      answer(read.origin(), read.readId(), true, read.readIndex(), leaderHint, out);
    }
  }

  /** The leader stepped down: refuse every read it holds. */
  void refuseAll(int leaderHint, Outbox out) {
    for (PendingRead read : reads) {
      answer(read.origin(), read.readId(), false, 0, leaderHint, out);
    }
    reads.clear();
    for (PendingRead read : leaseReadsDue) {
      answer(read.origin(), read.readId(), false, 0, leaderHint, out);
    }
    leaseReadsDue.clear();
    for (PendingRead read : leaseReadsArrived) {
      answer(read.origin(), read.readId(), false, 0, leaderHint, out);
    }
    leaseReadsArrived.clear();
    roundWanted = false;
  }

  /** Answer a read of {@code origin}: to this node's host, or in a reply to the peer. */
  void answer(int origin, long readId, boolean ok, long index, int leaderHint, Outbox out) {
    if (origin == id) {
      out.readIndex(new Outbox.ReadIndex(readId, ok, index, leaderHint));
    } else {
      out.send(origin, new Message.ReadIndexReply(id, readId, ok, index, leaderHint));
    }
  }
}
