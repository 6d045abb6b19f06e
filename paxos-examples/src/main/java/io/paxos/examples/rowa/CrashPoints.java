package io.paxos.examples.rowa;

import java.io.PrintStream;
import java.util.Map;
import java.util.Optional;

/**
 * A test hook: halts the process (no shutdown hook, no flush of anything but one line, as a power
 * cut would) the first time it reaches the step named by the environment variable {@value #ENV}.
 * The steps are {@code prepare-logged} and {@code commit-logged} in a store (after the record is
 * fsynced, before the answer is sent) and {@code prepared} (every store voted yes, no commit sent)
 * and {@code committed-one} (the first store committed, the others not yet) in a learner. Unset:
 * nothing happens.
 */
final class CrashPoints {
  static final String ENV = "ROWA_CRASH_AT";

  private final Optional<String> at;
  private final PrintStream out;

  CrashPoints(Optional<String> at, PrintStream out) {
    this.at = at;
    this.out = out;
  }

  /** The hook the environment arms, if any. */
  static CrashPoints fromEnv(Map<String, String> env) {
    return new CrashPoints(Optional.ofNullable(env.get(ENV)).filter(s -> !s.isBlank()), System.out);
  }

  static CrashPoints none() {
    return new CrashPoints(Optional.empty(), System.out);
  }

  /** Halt with status 3, saying where, if {@code step} is the armed one. */
  void reached(String step, long slot) {
    if (at.isPresent() && at.get().equals(step)) {
      out.println("CRASH at " + step + " of slot " + slot);
      out.flush();
      Runtime.getRuntime().halt(3);
    }
  }
}
