package io.paxos.core.config;

/**
 * How far a message from a peer may reach beyond what this node knows, and how much it may ask for;
 * a message beyond these is refused and dropped before any role sees it (see {@code
 * io.paxos.core.protocol.MessageBounds} and {@code docs/bounds.md}). The defaults are far above
 * what a correct peer sends; they only stop a forged or broken message from making a node allocate,
 * loop or persist without bound.
 *
 * @param maxSlotsAhead how far beyond this node's own log a message may name a slot: beyond the
 *     first slot its learner has not delivered (or the first its acceptor has not compacted, on a
 *     node without a learner). A larger commit point is taken only up to this far ahead (the node
 *     catches up and hears it again). Per-slot memory is proportional to it.
 * @param maxEntriesPerMessage the most slots, commands or entries one message may carry or ask for
 *     ({@code Accept}, {@code Accepted}, {@code CatchUpRequest}/{@code Reply}, {@code Forward},
 *     {@code AcceptedReport}); a {@code Promise} may report up to {@code maxSlotsAhead} entries
 * @param maxSnapshotBytes the largest snapshot payload a peer may offer or ask from
 * @param maxRoundsAhead how far above the highest round this node knows of a ballot in a message
 *     may be (a correct proposer goes one round above the highest it saw): so that no single
 *     message can use up the rounds below {@code Ballot.MAX_ROUND}
 */
public record MessageLimits(
    long maxSlotsAhead, int maxEntriesPerMessage, long maxSnapshotBytes, long maxRoundsAhead) {

  /**
   * 2^20 slots ahead (ten default snapshot intervals), 131,072 entries, 1 TiB snapshots, 2^32
   * rounds ahead.
   */
  public static final MessageLimits DEFAULTS =
      new MessageLimits(1L << 20, 1 << 17, 1L << 40, 1L << 32);

  /**
   * Checks the components.
   *
   * @param maxSlotsAhead how far beyond this node's own log a message may name a slot: beyond the
   *     first slot its learner has not delivered (or the first its acceptor has not compacted, on a
   *     node without a learner). A larger commit point is taken only up to this far ahead (the node
   *     catches up and hears it again). Per-slot memory is proportional to it.
   * @param maxEntriesPerMessage the most slots, commands or entries one message may carry or ask
   *     for ({@code Accept}, {@code Accepted}, {@code CatchUpRequest}/{@code Reply}, {@code
   *     Forward}, {@code AcceptedReport}); a {@code Promise} may report up to {@code maxSlotsAhead}
   *     entries
   * @param maxSnapshotBytes the largest snapshot payload a peer may offer or ask from
   * @param maxRoundsAhead how far above the highest round this node knows of a ballot in a message
   *     may be (a correct proposer goes one round above the highest it saw): so that no single
   *     message can use up the rounds below {@code Ballot.MAX_ROUND}
   * @throws IllegalArgumentException if a component is out of the bounds given above
   */
  public MessageLimits {
    if (maxRoundsAhead < 1 || maxRoundsAhead > (1L << 40)) {
      throw new IllegalArgumentException(
          "maxRoundsAhead must be between 1 and 2^40, was " + maxRoundsAhead);
    }
    if (maxSlotsAhead < 1 || maxSlotsAhead > (1L << 40)) {
      throw new IllegalArgumentException(
          "maxSlotsAhead must be between 1 and 2^40, was " + maxSlotsAhead);
    }
    if (maxEntriesPerMessage < 1) {
      throw new IllegalArgumentException(
          "maxEntriesPerMessage must be positive, was " + maxEntriesPerMessage);
    }
    if (maxSnapshotBytes < 1) {
      throw new IllegalArgumentException(
          "maxSnapshotBytes must be positive, was " + maxSnapshotBytes);
    }
  }

  /** {@return the defaults, {@link #DEFAULTS}} */
  public static MessageLimits defaults() {
    return DEFAULTS;
  }
}
