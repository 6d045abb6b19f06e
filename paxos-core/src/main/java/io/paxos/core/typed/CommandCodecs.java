package io.paxos.core.typed;

import io.paxos.core.StateMachine;
import io.paxos.core.runtime.PaxosNode;
import java.util.Objects;

/**
 * The two codecs of an application: one for its commands and queries, one for its results. One
 * instance is shared by the state machine ({@link #stateMachine}) and every view that submits to it
 * ({@link #node}, and {@code TypedPaxosClient} in paxos-grpc), so both sides agree on the bytes.
 *
 * <pre>{@code
 * CommandCodecs<Long, Long> codecs = CommandCodecs.of(Codec.int64(), Codec.int64());
 * PaxosNode node = PaxosNode.builder()...stateMachine(codecs.stateMachine(new MyCounter())).build();
 * long total = codecs.node(node).submit(5L).get();
 * }</pre>
 *
 * @param commands encodes commands and queries
 * @param results encodes results and answers
 * @param <C> commands and queries
 * @param <R> results and answers
 */
public record CommandCodecs<C, R>(Codec<C> commands, Codec<R> results) {
  /**
   * Checks that both codecs are given.
   *
   * @param commands encodes commands and queries
   * @param results encodes results and answers
   */
  public CommandCodecs {
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(results, "results");
  }

  /**
   * {@return the codecs of an application whose commands and queries are {@code C}, results {@code
   * R}}
   *
   * @param <C> commands and queries
   * @param <R> results and answers
   * @param commands encodes commands and queries
   * @param results encodes results and answers
   * @throws NullPointerException if a codec is null
   */
  public static <C, R> CommandCodecs<C, R> of(Codec<C> commands, Codec<R> results) {
    return new CommandCodecs<>(commands, results);
  }

  /**
   * {@return the byte {@link StateMachine} that runs {@code stateMachine}, for {@code PaxosNode}}
   *
   * @param stateMachine the application's typed state machine
   */
  public StateMachine stateMachine(TypedStateMachine<C, R> stateMachine) {
    return new TypedStateMachineAdapter<>(stateMachine, this);
  }

  /**
   * {@return a typed view of {@code node}, whose state machine must have been built with these
   * codecs}
   *
   * @param node a node running {@link #stateMachine} of these codecs
   */
  public TypedPaxosNode<C, R> node(PaxosNode node) {
    return new TypedPaxosNode<>(node, this);
  }
}
