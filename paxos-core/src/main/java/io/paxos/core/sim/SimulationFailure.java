package io.paxos.core.sim;

/**
 * A simulation broke an invariant. The message names the seed, the configuration, the step and the
 * simulated time, the broken invariant, the nodes' states and the events just before the failure.
 * Re-running the same {@link SimOptions} replays the run exactly.
 */
public final class SimulationFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final long seed;
  private final String label;
  private final String invariant;

  SimulationFailure(SimOptions options, String where, InvariantViolation cause) {
    super(
        "seed "
            + options.seed()
            + " ("
            + options.label()
            + ") "
            + where
            + ": "
            + cause.getMessage(),
        cause);
    this.seed = options.seed();
    this.label = options.label();
    this.invariant = cause.invariant();
  }

  public long seed() {
    return seed;
  }

  /** The configuration's name ({@link SimOptions#label()}). */
  public String label() {
    return label;
  }

  /** The broken invariant, one of the names in {@link InvariantViolation}. */
  public String invariant() {
    return invariant;
  }
}
