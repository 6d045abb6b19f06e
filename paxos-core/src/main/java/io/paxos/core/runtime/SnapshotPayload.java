package io.paxos.core.runtime;

import io.paxos.core.StateMachine;
import io.paxos.core.protocol.SessionTable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The payload of a node's snapshot: the session table (the deduplication state is part of the
 * replicated state, docs/pitfalls.md #13), then the state machine's own bytes.
 *
 * <pre>
 *   format (int) = 1 or 2, last expiry check (long), sessions (int),
 *   per session: client id, floor, last slot (longs), results (int),
 *                per result: sequence (long), length (int), bytes
 *   the state machine's snapshot, to the end
 * </pre>
 *
 * Format 2 is format 1 where a result that is a failed command's ({@link
 * io.paxos.core.config.ApplyFailurePolicy#FAIL_COMMAND}) has its length written as {@code -1 -
 * length}. A table without failures is written as format 1, which builds from before failures were
 * kept can read.
 *
 * <p>Captured on the apply thread ({@link #capture}: a copy of the table and the state machine's
 * quick capture), written on the snapshot thread.
 */
final class SnapshotPayload {
  private static final int FORMAT = 1;
  private static final int FORMAT_WITH_FAILURES = 2;

  private final List<SessionTable.SessionState> sessions;
  private final long lastExpiryCheck;
  private final StateMachine.Snapshot machine;

  private SnapshotPayload(
      List<SessionTable.SessionState> sessions,
      long lastExpiryCheck,
      StateMachine.Snapshot machine) {
    this.sessions = sessions;
    this.lastExpiryCheck = lastExpiryCheck;
    this.machine = machine;
  }

  /** Capture the replicated state now (apply thread). */
  static SnapshotPayload capture(SessionTable table, StateMachine stateMachine) {
    return new SnapshotPayload(table.export(), table.lastExpiryCheck(), stateMachine.snapshot());
  }

  /** Write it (any thread). */
  void writeTo(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    boolean failures = sessions.stream().anyMatch(st -> !st.failed().isEmpty());
    data.writeInt(failures ? FORMAT_WITH_FAILURES : FORMAT);
    data.writeLong(lastExpiryCheck);
    data.writeInt(sessions.size());
    for (SessionTable.SessionState s : sessions) {
      data.writeLong(s.clientId());
      data.writeLong(s.floor());
      data.writeLong(s.lastSlot());
      data.writeInt(s.results().size());
      for (var r : s.results().entrySet()) {
        data.writeLong(r.getKey());
        int length = r.getValue().length;
        data.writeInt(s.failed().contains(r.getKey()) ? -1 - length : length);
        data.write(r.getValue());
      }
    }
    data.flush();
    machine.writeTo(out);
    out.flush();
  }

  /** Replace the session table and the state machine with a payload read from {@code in}. */
  static void restore(InputStream in, SessionTable table, StateMachine stateMachine)
      throws IOException {
    DataInputStream data = new DataInputStream(in);
    int format = data.readInt();
    if (format != FORMAT && format != FORMAT_WITH_FAILURES) {
      throw new IOException("snapshot payload of unknown format " + format);
    }
    long lastExpiryCheck = data.readLong();
    int count = data.readInt();
    List<SessionTable.SessionState> sessions = new ArrayList<>(Math.min(count, 1 << 16));
    for (int i = 0; i < count; i++) {
      long clientId = data.readLong();
      long floor = data.readLong();
      long lastSlot = data.readLong();
      int results = data.readInt();
      SortedMap<Long, byte[]> map = new TreeMap<>();
      SortedSet<Long> failed = new TreeSet<>();
      for (int j = 0; j < results; j++) {
        long sequence = data.readLong();
        int length = data.readInt();
        if (length < 0) {
          if (format != FORMAT_WITH_FAILURES) {
            throw new IOException("snapshot payload of format 1 with a negative result length");
          }
          length = -1 - length;
          failed.add(sequence);
        }
        byte[] result = new byte[length];
        data.readFully(result);
        map.put(sequence, result);
      }
      sessions.add(new SessionTable.SessionState(clientId, floor, lastSlot, map, failed));
    }
    table.restore(sessions, lastExpiryCheck);
    stateMachine.restore(in);
  }
}
