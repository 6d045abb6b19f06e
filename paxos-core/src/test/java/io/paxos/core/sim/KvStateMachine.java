package io.paxos.core.sim;

import io.paxos.core.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * A deterministic key-value state machine for the simulator's replicas: the first byte of a command
 * is the key, the rest the value; {@code apply} returns the previous value.
 */
class KvStateMachine implements StateMachine {
  private final Map<Integer, byte[]> values = new TreeMap<>();

  @Override
  public byte[] apply(byte[] command) {
    if (command.length == 0) {
      return new byte[0];
    }
    byte[] previous = values.put((int) command[0], Arrays.copyOfRange(command, 1, command.length));
    return previous == null ? new byte[0] : previous;
  }

  @Override
  public byte[] query(byte[] query) {
    byte[] v = query.length == 0 ? null : values.get((int) query[0]);
    return v == null ? new byte[0] : v.clone();
  }

  @Override
  public Snapshot snapshot() {
    Map<Integer, byte[]> copy = new TreeMap<>(values);
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(copy.size());
      for (Map.Entry<Integer, byte[]> e : copy.entrySet()) {
        data.writeInt(e.getKey());
        data.writeInt(e.getValue().length);
        data.write(e.getValue());
      }
      data.flush();
    };
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    values.clear();
    int n = data.readInt();
    for (int i = 0; i < n; i++) {
      int key = data.readInt();
      byte[] v = new byte[data.readInt()];
      data.readFully(v);
      values.put(key, v);
    }
  }
}
