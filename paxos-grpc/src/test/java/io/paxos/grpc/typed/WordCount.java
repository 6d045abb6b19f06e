package io.paxos.grpc.typed;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import io.paxos.core.typed.TypedStateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** A typed state machine in protobuf messages: a command counts a word; a query reads its count. */
final class WordCount implements TypedStateMachine<StringValue, Int64Value> {
  /** The word whose commands wait for a permit of {@link #gate} before they are applied. */
  static final String GATED = "gated";

  private final Map<String, Long> counts = new TreeMap<>();
  private final Semaphore gate;

  WordCount(Semaphore gate) {
    this.gate = gate;
  }

  @Override
  public Int64Value apply(StringValue word) {
    if (word.getValue().equals(GATED)) {
      try {
        gate.tryAcquire(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Int64Value.of(counts.merge(word.getValue(), 1L, Long::sum));
  }

  @Override
  public Int64Value query(StringValue word) {
    return Int64Value.of(counts.getOrDefault(word.getValue(), 0L));
  }

  @Override
  public Snapshot snapshot() {
    Map<String, Long> captured = new TreeMap<>(counts);
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(captured.size());
      for (Map.Entry<String, Long> e : captured.entrySet()) {
        data.writeUTF(e.getKey());
        data.writeLong(e.getValue());
      }
      data.flush();
    };
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    counts.clear();
    for (int n = data.readInt(); n > 0; n--) {
      counts.put(data.readUTF(), data.readLong());
    }
  }
}
