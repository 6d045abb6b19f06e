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
    byte[] captured = Codec.int64().encode(total); // capture quickly; written later
    return out -> out.write(captured);
  }

  @Override
  public void restore(InputStream in) throws IOException {
    total = Codec.int64().decode(in.readAllBytes());
  }
}
// README:typed-counter:end
