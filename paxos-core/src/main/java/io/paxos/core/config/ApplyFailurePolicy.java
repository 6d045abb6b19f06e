package io.paxos.core.config;

/**
 * What a node does when {@link io.paxos.core.StateMachine#apply} (or {@code applyWithoutResult})
 * throws a {@link RuntimeException}. Every node of a cluster must use the same policy: under {@link
 * #STOP_NODE} the replicas stop, under {@link #FAIL_COMMAND} they go on, and a cluster whose nodes
 * differ here would not agree on whether it runs.
 *
 * <p>An {@link Error} (out of memory, say) stops the node under either policy: it may strike one
 * replica and not the others, so it cannot be the command's outcome.
 */
public enum ApplyFailurePolicy {
  /**
   * Stop the node (the default): the exception is taken for a bug that may have left the state
   * machine half changed, and a replica that cannot be trusted to match the others must not go on.
   * Every replica then stops at the same command, and a restart replays it and stops again. To
   * recover, fix the state machine, or restart the nodes with {@link #FAIL_COMMAND}: the replay
   * then fails that command and goes on.
   */
  STOP_NODE,

  /**
   * Fail the command and go on: the exception becomes the command's outcome, a {@link
   * io.paxos.core.CommandFailedException} (the exception's class and message) for whoever submitted
   * it, at any node, over any client, on a retry of the same session sequence, and in a replay
   * after a restart. The slot counts as applied. It requires a state machine whose {@code apply}
   * throws deterministically (for the same state and command, on every replica) and only before it
   * has changed anything (see {@link io.paxos.core.StateMachine}).
   */
  FAIL_COMMAND
}
