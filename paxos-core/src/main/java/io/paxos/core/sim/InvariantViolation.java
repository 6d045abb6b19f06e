package io.paxos.core.sim;

/**
 * A checker found a run that breaks an invariant. Thrown by the checkers; {@link Simulation} wraps
 * it in a {@link SimulationFailure} that names the seed and the step.
 */
public final class InvariantViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Names of the invariants, as reported by {@link #invariant()}. */
  public static final String AGREEMENT = "agreement";

  public static final String VALIDITY = "validity";
  public static final String INTEGRITY = "integrity";
  public static final String CHOSEN = "chosen";
  public static final String ACCEPTOR_MONOTONICITY = "acceptor-monotonicity";
  public static final String BALLOT_UNIQUENESS = "ballot-uniqueness";
  public static final String LIVENESS = "liveness";
  public static final String REPLICAS = "replica-divergence";
  public static final String ACKNOWLEDGED_LOST = "acknowledged-command-lost";
  public static final String COMPACTION = "compaction";
  public static final String HANDED_BACK_APPLIED = "handed-back-command-applied";
  public static final String STALE_READ_INDEX = "stale-read-index";

  /** Once the network is calm, no live proposer of the highest live priority leads (alone). */
  public static final String LEADER_PRIORITY = "leader-priority";

  /** A key-value client's history of writes, linearizable and lease reads is not linearizable. */
  public static final String LINEARIZABILITY = "linearizability";

  /**
   * A SEQUENTIAL read returned a value the key did not hold at or after the client's session slot,
   * or a STALE read one it held after no chosen prefix.
   */
  public static final String SESSION_READ = "session-read";

  /** Two fresh instances of the state machine fed the same commands hold different states. */
  public static final String NONDETERMINISM = "nondeterministic-state-machine";

  /** {@code applyWithoutResult} changes the state differently from {@code apply}. */
  public static final String APPLY_WITHOUT_RESULT = "apply-without-result";

  /** A snapshot restored into a fresh instance does not hold the state that was snapshotted. */
  public static final String SNAPSHOT_RESTORE = "snapshot-restore";

  /** A query changed the state it was answered from. */
  public static final String QUERY_CHANGES_STATE = "query-changes-state";

  /** Replicas in the same state answered the same query differently. */
  public static final String QUERY_ANSWERS = "query-answers-differ";

  /** Replicas in the same state returned different results for the same command. */
  public static final String RESULTS = "results-differ";

  /** A replica's state broke an invariant the application gave the simulator. */
  public static final String STATE_INVARIANT = "state-invariant";

  /** The state machine threw (or returned null) where the simulator called it. */
  public static final String STATE_MACHINE_FAILED = "state-machine-failed";

  private final String invariant;

  public InvariantViolation(String invariant, String detail) {
    super(invariant + " violated: " + detail);
    this.invariant = invariant;
  }

  /** A violation found through {@code cause}, e.g. an exception the state machine threw. */
  public InvariantViolation(String invariant, String detail, Throwable cause) {
    super(invariant + " violated: " + detail, cause);
    this.invariant = invariant;
  }

  /** Which invariant broke (one of the constants of this class). */
  public String invariant() {
    return invariant;
  }
}
