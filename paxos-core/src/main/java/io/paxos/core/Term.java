package io.paxos.core;

/**
 * A term of leadership, as a node reports it ({@link io.paxos.core.runtime.NodeStatus}, {@link
 * io.paxos.core.observe.NodeObserver}): the Paxos ballot a proposer campaigns and, once a quorum of
 * acceptors promised it, leads with. Logs, the status pages and the metrics call it the ballot.
 *
 * <p>A proposer that campaigns picks a round above every round it has seen, so a later term has a
 * higher round; two proposers that pick the same round are told apart by their ids. The epoch is
 * the number of the cluster's membership the term belongs to (0 for a cluster whose membership
 * never changed; see {@code docs/membership.md}): every term of a later epoch is above every term
 * of an earlier one. Terms are ordered as the protocol orders ballots: by {@code epoch}, then by
 * {@code round}, then by {@code proposerId}; a higher term beats a lower one. Two terms are equal
 * when all three components are. A term names who campaigned with it, not who won: a node's
 * acceptor may report the term of a candidate that never led.
 *
 * <p>{@link #NONE} (all 0) is below every term a proposer issues (rounds start at 1): the node
 * knows of no term yet. {@link #toString()} gives {@code round.proposerId}, e.g. {@code 4.2} for
 * round 4 of node 2, as the logs print it, and {@code epoch/round.proposerId} in an epoch above 0.
 *
 * @param epoch the membership epoch the term belongs to, at least 0
 * @param round the term's round: at least 1 for a term a proposer issued, 0 for {@link #NONE}; at
 *     most 2^62
 * @param proposerId the id of the proposer that issued it, 0 for {@link #NONE}
 */
public record Term(int epoch, long round, int proposerId) implements Comparable<Term> {
  /** No term yet: below every term a proposer issues. */
  public static final Term NONE = new Term(0, 0, 0);

  /**
   * Checks the components.
   *
   * @param epoch the membership epoch, at least 0
   * @param round the term's round, at least 0
   * @param proposerId the id of the proposer that issued it, at least 0
   * @throws IllegalArgumentException if any is negative
   */
  public Term {
    if (epoch < 0 || round < 0 || proposerId < 0) {
      throw new IllegalArgumentException(
          "term ("
              + epoch
              + ", "
              + round
              + ", "
              + proposerId
              + ") is negative; epochs, rounds and ids start at 0");
    }
  }

  /**
   * A term of epoch 0, the epoch of a cluster whose membership never changed.
   *
   * @param round the term's round, at least 0
   * @param proposerId the id of the proposer that issued it, at least 0
   * @throws IllegalArgumentException if either is negative
   */
  public Term(long round, int proposerId) {
    this(0, round, proposerId);
  }

  /**
   * {@return negative, zero or positive as this term is below, equal to or above {@code other}: by
   * epoch, then by round, then by proposer id}
   *
   * @param other the term to compare with; not null
   */
  @Override
  public int compareTo(Term other) {
    int byEpoch = Integer.compare(epoch, other.epoch);
    if (byEpoch != 0) {
      return byEpoch;
    }
    int byRound = Long.compare(round, other.round);
    return byRound != 0 ? byRound : Integer.compare(proposerId, other.proposerId);
  }

  /** {@return whether this is {@link #NONE}: no term known yet} */
  public boolean isNone() {
    return epoch == 0 && round == 0 && proposerId == 0;
  }

  /**
   * {@return {@code round.proposerId}, e.g. {@code 4.2}; {@code epoch/round.proposerId} above 0}
   */
  @Override
  public String toString() {
    return epoch == 0 ? round + "." + proposerId : epoch + "/" + round + "." + proposerId;
  }
}
