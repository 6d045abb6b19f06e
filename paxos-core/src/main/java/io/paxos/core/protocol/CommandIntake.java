package io.paxos.core.protocol;

/**
 * Which client commands a proposer may take, and which it must answer "outcome unknown" because it
 * cannot tell whether it took them before. Not thread-safe.
 *
 * <p>A one-shot command is handled once by a proposer, whatever its state: a second copy (a {@code
 * Forward} delivered twice) is dropped, since its first copy was queued, proposed or handed back,
 * and the copy must not contradict that: proposing it again could choose it in two slots, or after
 * it was handed back as not proposed; handing it back could tell the client "not proposed" while
 * the first copy may still be chosen. A session's command is always taken: its retries are
 * deliberate, and the session table applies it once.
 *
 * <p>What the proposer remembers ({@link RecentCommands}) is bounded and starts empty at each
 * restart, so two kinds of copy get {@link Verdict#OUTCOME_UNKNOWN}: one of a command it may have
 * seen and forgot, and one forwarded to an earlier incarnation of this node (which may have
 * proposed it before the restart). A {@code Forward} carries the ballot its sender believes this
 * node leads with; a node that never led before it started ({@code roundAtStart == 0}) proposed
 * nothing before, and a ballot of this node above {@code roundAtStart} is this incarnation's.
 */
final class CommandIntake {
  enum Verdict {
    /** New: queue it (or hand it back as not leader or overloaded). */
    TAKE,
    /** A copy of a command already taken: its first copy gets the answer. */
    DUPLICATE,
    /** Maybe taken before and forgotten: its caller's outcome is unknown. */
    OUTCOME_UNKNOWN
  }

  private final int id;
  private final long roundAtStart;
  private final RecentCommands recent;

  /**
   * @param id this node
   * @param roundAtStart the highest round this node had used when it started
   * @param capacity how many one-shot commands to remember
   */
  CommandIntake(int id, long roundAtStart, int capacity) {
    this.id = id;
    this.roundAtStart = roundAtStart;
    this.recent = new RecentCommands(capacity);
  }

  /** A command submitted here, or forwarded to this incarnation. */
  Verdict admit(Command command) {
    if (command.inSession()) {
      return Verdict.TAKE;
    }
    switch (recent.add(command)) {
      case DUPLICATE:
        return Verdict.DUPLICATE;
      case FORGOTTEN:
        return Verdict.OUTCOME_UNKNOWN;
      default:
        return Verdict.TAKE;
    }
  }

  /** A command another node forwarded to this one as the leader of {@code leaderBallot}. */
  Verdict admitForwarded(Command command, Ballot leaderBallot) {
    boolean forThisIncarnation =
        roundAtStart == 0 || (leaderBallot.nodeId() == id && leaderBallot.round() > roundAtStart);
    if (forThisIncarnation || command.inSession()) {
      return admit(command);
    }
    return Verdict.OUTCOME_UNKNOWN;
  }

  /**
   * A one-shot command found in an accepted value that a new leader re-proposes: remember it, and
   * whether a copy may already be waiting in the queue (it was seen before, or maybe seen).
   */
  boolean reproposed(Command command) {
    return !command.inSession() && recent.add(command) != RecentCommands.Seen.NEW;
  }
}
