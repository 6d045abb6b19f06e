package io.paxos.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The application's replicated state. Every learner node applies the same commands in the same
 * order, so every replica of a deterministic state machine holds the same state.
 *
 * <p><b>Threading.</b> The node's apply thread makes every call, one at a time; no call happens
 * concurrently with another, so implementations need no locks of their own for calls from the
 * library.
 *
 * <p><b>Determinism.</b> {@link #apply} must depend only on the current state and the command: no
 * clock, no unseeded randomness, no iteration over a hash-ordered collection that affects the state
 * or the result. Replicas that disagree here diverge silently.
 *
 * <p><b>Failures.</b> A command the application rejects should best produce a result saying so (an
 * error code in the returned bytes). What an exception from {@link #apply} does is the node's
 * {@link io.paxos.core.config.ApplyFailurePolicy} ({@link
 * io.paxos.core.runtime.PaxosNodeBuilder#applyFailures}):
 *
 * <ul>
 *   <li>{@code STOP_NODE} (the default): the node stops, since the replica can no longer be trusted
 *       to match the others. Every replica stops at the same command, and replays it at a restart.
 *   <li>{@code FAIL_COMMAND}: the command fails, and its caller's future completes with {@link
 *       CommandFailedException} (the exception's class and message); the node goes on. For this,
 *       {@link #apply} must throw <em>deterministically</em> (on every replica, for the same state
 *       and command, with the same class; the message should be deterministic too, since the
 *       replicas keep it for retries), and <em>before it changes any state</em>: the library does
 *       not roll back, so the caller's failure must mean "nothing happened". Check, then change. A
 *       state machine that throws halfway through keeps its replicas equal all the same if the half
 *       change is deterministic, but the caller is then told a command failed that changed the
 *       state. An {@link Error} stops the node under either policy.
 * </ul>
 */
public interface StateMachine {

  /**
   * Apply one chosen command and return its result, which completes the caller's future. Where
   * nobody reads the result, the node calls {@link #applyWithoutResult} instead.
   *
   * @param command the bytes given to {@code submit}; the array must not be changed
   * @return the result for the caller (may be empty, never null)
   */
  byte[] apply(byte[] command);

  /**
   * Apply one chosen command whose result nobody will read: a command outside a client session made
   * at another node, which answers it, or one replayed from the log after a restart. It must change
   * the state exactly as {@link #apply} would, and throw exactly when {@link #apply} would, with
   * the same class (an exception stops the node or fails the command, and replicas must not differ
   * in that either). The default calls {@link #apply} and drops the result; override it to skip
   * building a result nobody reads.
   *
   * @param command the bytes given to {@code submit}; the array must not be changed
   */
  default void applyWithoutResult(byte[] command) {
    apply(command);
  }

  /**
   * Answer a read-only query from the current state; must not change the state.
   *
   * @param query the bytes given to {@code read}; must not be changed
   * @return the answer, handed to the caller as is
   */
  byte[] query(byte[] query);

  /**
   * Capture the current state quickly (for example a copy-on-write view); the returned snapshot is
   * written later, possibly on another thread, while {@link #apply} continues.
   *
   * @return the captured state; later {@link #apply} calls must not change what it writes
   */
  Snapshot snapshot();

  /**
   * Replace the whole state with a snapshot written by {@link Snapshot#writeTo}.
   *
   * @param in the snapshot's bytes, read to the end; the caller closes it
   * @throws IOException if reading fails; the node then does not use this state
   */
  void restore(InputStream in) throws IOException;

  /** A captured state, writable once, from any thread. */
  @FunctionalInterface
  interface Snapshot {
    /**
     * Write the captured state, in a form {@link StateMachine#restore} reads back.
     *
     * @param out where to write; the caller closes it
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }
}
