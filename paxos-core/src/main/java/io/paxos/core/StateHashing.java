package io.paxos.core;

/**
 * An optional capability of a {@link StateMachine}: a digest of its whole state, which a node
 * reports in its status (with the slot it was taken at) so that operators and tests can compare
 * replicas. Two replicas that applied the same slots must report the same digest; a replica whose
 * digest differs at the same slot has diverged (a non-deterministic {@code apply}, say).
 *
 * <p><b>Threading.</b> Called on the node's apply thread, like every method of the state machine,
 * never concurrently with them, and at a bounded rate: at most once per {@value #MIN_INTERVAL_MS}
 * ms, and only when a status is asked for and the state changed since the last digest; never per
 * read or per command. It may take time proportional to the state (it holds up the apply thread
 * meanwhile), must not change the state, and should not throw: a digest that throws is not
 * reported.
 */
public interface StateHashing {

  /** The least time between two digests of one node. */
  long MIN_INTERVAL_MS = 1000;

  /** {@return a digest of the whole state (for example SHA-256 in hex), equal on equal states} */
  String stateHash();
}
