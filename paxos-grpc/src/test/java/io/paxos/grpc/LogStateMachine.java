package io.paxos.grpc;

import io.paxos.core.StateHashing;
import io.paxos.core.StateMachine;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A state machine for tests: commands are 8-byte ids; it records every id in the order applied and
 * answers each with the number applied before it. Every query returns all ids applied so far, so a
 * test in another process can compare replicas.
 */
public final class LogStateMachine implements StateMachine, StateHashing {
  private final List<Long> applied = new ArrayList<>();

  public static byte[] command(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }

  /** The ids in a query result. */
  public static List<Long> ids(byte[] queryResult) {
    ByteBuffer b = ByteBuffer.wrap(queryResult);
    List<Long> ids = new ArrayList<>(queryResult.length / 8);
    while (b.remaining() >= 8) {
      ids.add(b.getLong());
    }
    return ids;
  }

  @Override
  public synchronized byte[] apply(byte[] command) {
    applied.add(ByteBuffer.wrap(command).getLong());
    return ByteBuffer.allocate(8).putLong(applied.size() - 1L).array();
  }

  @Override
  public synchronized byte[] query(byte[] query) {
    ByteBuffer b = ByteBuffer.allocate(applied.size() * 8);
    for (long id : applied) {
      b.putLong(id);
    }
    return b.array();
  }

  @Override
  public synchronized Snapshot snapshot() {
    List<Long> copy = List.copyOf(applied);
    return out -> {
      DataOutputStream data = new DataOutputStream(out);
      data.writeInt(copy.size());
      for (long id : copy) {
        data.writeLong(id);
      }
      data.flush();
    };
  }

  @Override
  public synchronized void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int n = data.readInt();
    applied.clear();
    for (int i = 0; i < n; i++) {
      applied.add(data.readLong());
    }
  }

  /** A digest of the applied ids, in order, and their count. */
  @Override
  public synchronized String stateHash() {
    return Integer.toHexString(applied.hashCode()) + "/" + applied.size();
  }

  public synchronized List<Long> applied() {
    return List.copyOf(applied);
  }

  public synchronized int size() {
    return applied.size();
  }
}
