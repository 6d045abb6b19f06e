package io.paxos.core.typed;

import io.paxos.core.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/** Runs a {@link TypedStateMachine} as a byte {@link StateMachine}, through its codecs. */
final class TypedStateMachineAdapter<C, R> implements StateMachine {
  private final TypedStateMachine<C, R> typed;
  private final CommandCodecs<C, R> codecs;

  TypedStateMachineAdapter(TypedStateMachine<C, R> typed, CommandCodecs<C, R> codecs) {
    this.typed = Objects.requireNonNull(typed, "stateMachine");
    this.codecs = codecs;
  }

  @Override
  public byte[] apply(byte[] command) {
    R result = typed.apply(codecs.commands().decode(command));
    return codecs.results().encode(Objects.requireNonNull(result, "apply returned null"));
  }

  @Override
  public void applyWithoutResult(byte[] command) {
    typed.applyWithoutResult(codecs.commands().decode(command));
  }

  @Override
  public byte[] query(byte[] query) {
    R answer = typed.query(codecs.commands().decode(query));
    return codecs.results().encode(Objects.requireNonNull(answer, "query returned null"));
  }

  @Override
  public Snapshot snapshot() {
    return typed.snapshot();
  }

  @Override
  public void restore(InputStream in) throws IOException {
    typed.restore(in);
  }

  @Override
  public String toString() {
    return "typed " + typed + " via " + codecs;
  }
}
