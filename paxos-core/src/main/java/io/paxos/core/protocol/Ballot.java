package io.paxos.core.protocol;

/**
 * A proposal number: ordered by {@code round}, then by the proposing node's id, so two proposers
 * never hold the same ballot. {@link #ZERO} is below every ballot a proposer can issue (rounds
 * start at 1).
 *
 * @param round a counter the proposer raises above every ballot it has seen; never reused, also
 *     across restarts (the proposer persists the highest round it used)
 * @param nodeId the id of the proposer that owns this ballot
 */
public record Ballot(long round, int nodeId) implements Comparable<Ballot> {
  /** The ballot below all others; an acceptor that has promised nothing has promised this. */
  public static final Ballot ZERO = new Ballot(0, 0);

  /**
   * The highest round a proposer issues or a node takes from a peer: 2^62, far below {@link
   * Long#MAX_VALUE}, so that a round above any seen can always be computed without overflow. A
   * message with a higher round is refused ({@code MessageBounds}); a proposer that would need a
   * higher one stops campaigning.
   */
  public static final long MAX_ROUND = 1L << 62;

  public Ballot {
    if (round < 0 || nodeId < 0) {
      throw new IllegalArgumentException("ballot (" + round + ", " + nodeId + ") is negative");
    }
  }

  @Override
  public int compareTo(Ballot other) {
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
    return round + "." + nodeId;
  }
}
