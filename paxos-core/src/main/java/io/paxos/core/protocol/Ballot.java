package io.paxos.core.protocol;

/**
 * A proposal number: ordered by {@code epoch}, then by {@code round}, then by the proposing node's
 * id, so two proposers never hold the same ballot. {@link #ZERO} is below every ballot a proposer
 * can issue (rounds start at 1).
 *
 * <p>The epoch is the number of the membership the ballot belongs to (docs/membership.md): every
 * ballot of a later epoch is above every ballot of an earlier one, whatever their rounds, so an
 * acceptor that promised a ballot of the new membership refuses every proposer still in an old one.
 * A cluster that never changed its membership is in epoch 0, and its ballots print as {@code
 * round.node}; others as {@code epoch/round.node}.
 *
 * @param epoch the membership epoch the ballot belongs to, from 0 (the cluster file's) to {@link
 *     #MAX_EPOCH}
 * @param round a counter the proposer raises above every ballot it has seen; never reused, also
 *     across restarts (the proposer persists the highest round it used)
 * @param nodeId the id of the proposer that owns this ballot
 */
public record Ballot(int epoch, long round, int nodeId) implements Comparable<Ballot> {
  /** The ballot below all others; an acceptor that has promised nothing has promised this. */
  public static final Ballot ZERO = new Ballot(0, 0, 0);

  /**
   * The highest round a proposer issues or a node takes from a peer: 2^62, far below {@link
   * Long#MAX_VALUE}, so that a round above any seen can always be computed without overflow. A
   * message with a higher round is refused ({@code MessageBounds}); a proposer that would need a
   * higher one stops campaigning.
   */
  public static final long MAX_ROUND = 1L << 62;

  /**
   * The highest epoch: 2^30, so that the next epoch can always be computed without overflow. A
   * message with a higher epoch is refused ({@code MessageBounds}).
   */
  public static final int MAX_EPOCH = 1 << 30;

  /**
   * @throws IllegalArgumentException if a component is negative
   */
  public Ballot {
    if (epoch < 0 || round < 0 || nodeId < 0) {
      throw new IllegalArgumentException(
          "ballot (" + epoch + ", " + round + ", " + nodeId + ") is negative");
    }
  }

  /** A ballot of epoch 0, the epoch of a cluster whose membership never changed. */
  public Ballot(long round, int nodeId) {
    this(0, round, nodeId);
  }

  @Override
  public int compareTo(Ballot other) {
    int byEpoch = Integer.compare(epoch, other.epoch);
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byRound = Long.compare(round, other.round);
    return byRound != 0 ? byRound : Integer.compare(nodeId, other.nodeId);
  }

  public boolean isAbove(Ballot other) {
    return compareTo(other) > 0;
  }

  public boolean isAtLeast(Ballot other) {
    return compareTo(other) >= 0;
  }

  /** The larger of two ballots. */
  public static Ballot max(Ballot a, Ballot b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  @Override
  public String toString() {
    return epoch == 0 ? round + "." + nodeId : epoch + "/" + round + "." + nodeId;
  }
}
