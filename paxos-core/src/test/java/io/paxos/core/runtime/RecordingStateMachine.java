package io.paxos.core.runtime;

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
 * answers each command with the number of commands applied before it. Queries return that count. It
 * also counts the commands applied through {@link #applyWithoutResult}, which builds no answer.
 */
final class RecordingStateMachine implements StateMachine, StateHashing {
  private final List<Long> applied = new ArrayList<>();
  private int restores;
  private int withoutResult;

  static byte[] command(long id) {
    return ByteBuffer.allocate(8).putLong(id).array();
  }

  static long count(byte[] result) {
    return ByteBuffer.wrap(result).getLong();
  }

  @Override
  public synchronized byte[] apply(byte[] command) {
    applied.add(ByteBuffer.wrap(command).getLong());
    return ByteBuffer.allocate(8).putLong(applied.size() - 1L).array();
  }

  @Override
  public synchronized void applyWithoutResult(byte[] command) {
    applied.add(ByteBuffer.wrap(command).getLong());
    withoutResult++;
  }

  @Override
  public synchronized byte[] query(byte[] query) {
    return ByteBuffer.allocate(8).putLong(applied.size()).array();
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
    restores++;
    applied.clear();
    for (int i = 0; i < n; i++) {
      applied.add(data.readLong());
    }
  }

  /** A digest of the applied commands, in order. */
  @Override
  public synchronized String stateHash() {
    return Integer.toHexString(applied.hashCode()) + "/" + applied.size();
  }

  synchronized List<Long> applied() {
    return List.copyOf(applied);
  }

  /** How often the state was restored from a snapshot. */
  synchronized int restores() {
    return restores;
  }

  /** How many of the commands applied built no result. */
  synchronized int appliedWithoutResult() {
    return withoutResult;
  }

  synchronized int size() {
    return applied.size();
  }
}
