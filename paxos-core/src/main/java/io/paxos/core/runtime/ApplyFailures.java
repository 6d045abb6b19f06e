package io.paxos.core.runtime;

import io.paxos.core.CommandFailedException;
import io.paxos.core.config.ApplyFailurePolicy;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.RateLimitedLog;
import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the apply thread does with an exception from the state machine, as the node's {@link
 * ApplyFailurePolicy} says: rethrow it (the node stops), or make it the command's {@link
 * ApplyFailure}, reported to the observer and logged at most once per 10 seconds (a state machine
 * that rejects many commands this way writes no line per command).
 */
final class ApplyFailures {
  private static final Logger log = LoggerFactory.getLogger(ApplyFailures.class);

  private final int nodeId;
  private final ApplyFailurePolicy policy;
  private final NodeObserver observer;
  private final RateLimitedLog warnings = RateLimitedLog.warnings(log);

  ApplyFailures(int nodeId, ApplyFailurePolicy policy, NodeObserver observer) {
    this.nodeId = nodeId;
    this.policy = policy;
    this.observer = observer;
  }

  /** Stop on every exception (for tests of the parts around it). */
  static ApplyFailures stopping(int nodeId) {
    return new ApplyFailures(nodeId, ApplyFailurePolicy.STOP_NODE, new NodeObserver() {});
  }

  /**
   * The command's failure for what the state machine threw.
   *
   * @throws RuntimeException {@code thrown} itself under {@link ApplyFailurePolicy#STOP_NODE}
   */
  ApplyFailure failure(RuntimeException thrown) {
    if (policy == ApplyFailurePolicy.STOP_NODE) {
      throw thrown;
    }
    return ApplyFailure.of(thrown);
  }

  /** Report that the command applied in {@code slot} failed with {@code failure}. */
  void failed(long slot, ApplyFailure failure) {
    observer.commandFailed(slot, failure.exceptionClass());
    log(slot, failure);
  }

  /**
   * Log that the command replayed in {@code slot} failed again: observers, not started yet, are not
   * told (they were when it first failed).
   */
  void replayed(long slot, ApplyFailure failure) {
    log(slot, failure);
  }

  private void log(long slot, ApplyFailure failure) {
    warnings.event(
        "node " + nodeId + ": the state machine failed a command",
        "slot "
            + slot
            + ": "
            + failure.exceptionClass()
            + ": "
            + failure.exceptionMessage()
            + " (the command fails, the node goes on: ApplyFailurePolicy.FAIL_COMMAND)");
  }

  /** The exception the caller of a failed command gets. */
  static CommandFailedException toCaller(ApplyFailure failure) {
    return toCaller(failure.exceptionClass(), failure.exceptionMessage());
  }

  /**
   * The exception the caller of a failed command gets at a node without a learner, from a learner's
   * {@link HostMessage.CommandFailed}: the same as at a learner.
   */
  static CommandFailedException toCaller(HostMessage.CommandFailed failed) {
    return toCaller(failed.exceptionClass(), failed.exceptionMessage());
  }

  private static CommandFailedException toCaller(String exceptionClass, String exceptionMessage) {
    return new CommandFailedException(exceptionClass, exceptionMessage);
  }

  /**
   * The message that tells the origin node of {@code c}, which hosts no learner, that it failed in
   * {@code slot}: the class name and message cut to {@link PeerMessageBounds#MAX_FAILURE_CHARS}, as
   * the receiver's {@link PeerMessageBounds} require (a message is cut already; a class name that
   * long is no real one).
   */
  static HostMessage.CommandFailed toOrigin(int from, Command c, long slot, ApplyFailure failure) {
    return new HostMessage.CommandFailed(
        from,
        c.clientId(),
        c.sequence(),
        slot,
        cut(failure.exceptionClass()),
        cut(failure.exceptionMessage()));
  }

  private static String cut(String s) {
    return s.length() > PeerMessageBounds.MAX_FAILURE_CHARS
        ? s.substring(0, PeerMessageBounds.MAX_FAILURE_CHARS)
        : s;
  }
}
