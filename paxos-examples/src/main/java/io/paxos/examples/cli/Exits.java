package io.paxos.examples.cli;

/**
 * The exit codes of {@code kv}: a script can tell what happened without reading the output.
 *
 * <ul>
 *   <li>{@value #OK}: done (also for a key that was not found: that is an answer, not a failure).
 *   <li>{@value #FAILED}: the store or a node refused the request for another reason.
 *   <li>{@value #USAGE}: bad input (a missing or over-long key, an unreadable value file, an
 *       unknown option, a value the cluster finds too large); nothing was sent or applied.
 *   <li>{@value #UNREACHABLE}: no node of the cluster could be reached; nothing was applied.
 *   <li>{@value #TIMED_OUT}: a node was reached but no answer came before {@code --timeout}; a
 *       write may or may not have been applied.
 *   <li>{@value #CAS_FAILED}: a compare-and-set found another value; nothing was changed.
 * </ul>
 */
public final class Exits {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNREACHABLE = 3;
  public static final int TIMED_OUT = 4;
  public static final int CAS_FAILED = 5;

  private Exits() {}
}
