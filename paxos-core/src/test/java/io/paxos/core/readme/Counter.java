package io.paxos.core.readme;

// README:counter:start
import io.paxos.core.StateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/** A replicated counter: each command adds an 8-byte amount; a query returns the total. */
public final class Counter implements StateMachine {
  private long total;

  @Override
  public byte[] apply(byte[] command) {
    total += ByteBuffer.wrap(command).getLong();
    return ByteBuffer.allocate(8).putLong(total).array();
  }

  @Override
  public byte[] query(byte[] query) {
    return ByteBuffer.allocate(8).putLong(total).array();
  }

  @Override
  public Snapshot snapshot() {
    long captured = total; // capture quickly; the bytes are written later, off the apply thread
    return out -> out.write(ByteBuffer.allocate(8).putLong(captured).array());
  }

  @Override
  public void restore(InputStream in) throws IOException {
    total = ByteBuffer.wrap(in.readNBytes(8)).getLong();
  }
}
// README:counter:end
