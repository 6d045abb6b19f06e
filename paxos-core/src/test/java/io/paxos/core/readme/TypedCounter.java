package io.paxos.core.readme;

// README:typed-counter:start
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.TypedStateMachine;
import java.io.IOException;
import java.io.InputStream;

/** A replicated counter in its own types: a command adds to the total; a query reads it. */
public final class TypedCounter implements TypedStateMachine<Long, Long> {
  private long total;

  @Override
  public Long apply(Long amount) {
    return total += amount;
  }

  @Override
  public Long query(Long ignored) {
    return total;
  }

  @Override
  public Snapshot snapshot() {
    return Snapshot.of(Codec.int64(), total); // encoded now, written later off the apply thread
  }

  @Override
  public void restore(InputStream in) throws IOException {
    total = Codec.int64().readFrom(in);
  }
}
// README:typed-counter:end
