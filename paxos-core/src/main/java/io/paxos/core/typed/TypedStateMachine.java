package io.paxos.core.typed;

import io.paxos.core.StateMachine;
import java.io.IOException;
import java.io.InputStream;

/**
 * A {@link StateMachine} in the application's own types: commands and queries of type {@code C},
 * results of type {@code R}. {@link CommandCodecs#stateMachine} turns it into the byte {@link
 * StateMachine} that {@code PaxosNode} runs; {@link CommandCodecs#node} gives the matching typed
 * view of the node. Every rule of {@link StateMachine} holds here unchanged: the apply thread makes
 * every call, one at a time; {@link #apply} is deterministic; {@link #query} changes nothing.
 *
 * <p>Commands and queries share one type: usually a sealed interface of records (a {@code Deposit},
 * a {@code Withdraw}, a {@code Balance} query), with results a sealed interface of their own. A
 * state machine that gets a query as a command, or a command as a query, decides what that means
 * (typically an error result, or an {@link IllegalArgumentException} from {@link #query}, which
 * fails that read only).
 *
 * <p><b>Failures.</b> The adapter decodes each command with the command codec before {@link
 * #apply}; bytes it cannot decode throw {@link CodecException}, which, like any exception from
 * {@code apply}, stops the node. Commands that came through a typed view were encoded by the same
 * codec and always decode; only raw bytes submitted through the byte API can be malformed. A result
 * the result codec cannot encode stops the node in the same way, so keep results within the result
 * codec's bound. A query that cannot be decoded fails its read with {@link CodecException} and
 * changes nothing.
 *
 * @param <C> commands and queries
 * @param <R> results and answers
 */
public interface TypedStateMachine<C, R> {

  /**
   * Apply one chosen command; the result completes the caller's future.
   *
   * @param command the decoded command; never null
   * @return the result, never null
   */
  R apply(C command);

  /**
   * Apply a command whose result nobody reads; must change the state, and throw, exactly as {@link
   * #apply} would (see {@link StateMachine#applyWithoutResult}).
   *
   * @param command the decoded command; never null
   */
  default void applyWithoutResult(C command) {
    apply(command);
  }

  /**
   * Answer a read-only query from the current state; must not change the state.
   *
   * @param query the decoded query; never null
   * @return the answer, never null
   */
  R query(C query);

  /**
   * Capture the state quickly (for example a copy, or an immutable view); the returned snapshot is
   * written later, possibly on another thread, while {@link #apply} continues. See {@link
   * StateMachine#snapshot()}.
   *
   * @return the captured state; later {@link #apply} calls must not change what it writes
   */
  Snapshot snapshot();

  /**
   * Replace the whole state with a snapshot; see {@link StateMachine#restore}.
   *
   * @param in the snapshot's bytes, as its {@link Snapshot#writeTo} wrote them; the caller closes
   *     it
   * @throws IOException if reading fails; the node then does not use this state
   */
  void restore(InputStream in) throws IOException;

  /**
   * A captured state, writable once, from any thread: {@link StateMachine.Snapshot} under a name
   * that an implementation of this interface can use unqualified.
   */
  @FunctionalInterface
  interface Snapshot extends StateMachine.Snapshot {

    /**
     * {@return a snapshot of {@code state} in {@code codec}'s encoding, for a state that is one
     * value (a record of the state machine's fields, say); restore it with {@link Codec#readFrom}}
     * The state is encoded now, on the apply thread, so the state machine may change it as soon as
     * this returns; a large state is better written lazily from an immutable view, by a lambda of
     * its own.
     *
     * @param <S> the state's type
     * @param codec encodes the state; its bound must hold the whole state
     * @param state the state, encoded before this returns
     * @throws IllegalArgumentException if {@code codec} cannot encode {@code state} within its
     *     bound
     */
    static <S> Snapshot of(Codec<S> codec, S state) {
      byte[] bytes = codec.encode(state);
      return out -> out.write(bytes);
    }
  }
}
