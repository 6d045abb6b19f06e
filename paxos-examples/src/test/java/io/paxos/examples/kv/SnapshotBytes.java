package io.paxos.examples.kv;

import io.paxos.core.StateMachine;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;

/** Test helpers for snapshot bytes: what a snapshot writes, and hand-built snapshot fields. */
final class SnapshotBytes {
  private SnapshotBytes() {}

  /** The bytes {@code snapshot} writes. */
  static byte[] write(StateMachine.Snapshot snapshot) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    snapshot.writeTo(out);
    return out.toByteArray();
  }

  /** Append {@code value} big endian, as the snapshot format writes its lengths. */
  static void writeInt(ByteArrayOutputStream out, int value) {
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(value).array());
  }
}
