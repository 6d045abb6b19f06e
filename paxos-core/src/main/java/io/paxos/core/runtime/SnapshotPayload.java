package io.paxos.core.runtime;

import io.paxos.core.StateMachine;
import io.paxos.core.protocol.Membership;
import io.paxos.core.protocol.SessionTable;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * kept can read. Format 3 is format 2 with, right after the format, the membership that governs the
 * slot after the snapshot ({@link Membership#toBytes()}, its length (int) first, at most {@link
 * #MAX_MEMBERSHIP_BYTES}); it is written only once the cluster's membership has changed (epoch 1 or
 * later): a snapshot of epoch 0 carries none, as before (docs/membership.md).
 *
 * <p>Captured on the apply thread ({@link #capture}: a copy of the table and the state machine's
 * quick capture), written on the snapshot thread.
 */
final class SnapshotPayload {
  private static final int FORMAT = 1;
  private static final int FORMAT_WITH_FAILURES = 2;
  private static final int FORMAT_WITH_MEMBERSHIP = 3;

  /** The longest membership a snapshot may carry, in bytes. */
  static final int MAX_MEMBERSHIP_BYTES = 1 << 24;

  private final List<SessionTable.SessionState> sessions;
  private final long lastExpiryCheck;
  private final StateMachine.Snapshot machine;
  private final Membership governing;

  private SnapshotPayload(
      List<SessionTable.SessionState> sessions,
      long lastExpiryCheck,
      StateMachine.Snapshot machine,
      Membership governing) {
    this.sessions = sessions;
    this.lastExpiryCheck = lastExpiryCheck;
    this.machine = machine;
    this.governing = governing;
  }

  /**
   * Capture the replicated state now (apply thread), with {@code governing}, the membership of the
   * slot after the last applied.
   */
  static SnapshotPayload capture(
      SessionTable table, StateMachine stateMachine, Membership governing) {
    return new SnapshotPayload(
        table.export(), table.lastExpiryCheck(), stateMachine.snapshot(), governing);
  }

  /** Write it (any thread). */
  void writeTo(OutputStream out) throws IOException {
    DataOutputStream data = new DataOutputStream(out);
    boolean failures = sessions.stream().anyMatch(st -> !st.failed().isEmpty());
    if (governing.epoch() > 0) {
      byte[] membership = governing.toBytes();
      data.writeInt(FORMAT_WITH_MEMBERSHIP);
      data.writeInt(membership.length);
      data.write(membership);
    } else {
      data.writeInt(failures ? FORMAT_WITH_FAILURES : FORMAT);
    }
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

  /**
   * {@return the membership a payload read from {@code in} carries: the one governing the slot
   * after the snapshot; empty for a snapshot of epoch 0} Reads only the payload's first bytes.
   *
   * @throws IOException if they cannot be read, or are not a valid payload's
   */
  static Optional<Membership> membership(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int format = data.readInt();
    if (format != FORMAT && format != FORMAT_WITH_FAILURES && format != FORMAT_WITH_MEMBERSHIP) {
      throw new IOException("snapshot payload of unknown format " + format);
    }
    if (format != FORMAT_WITH_MEMBERSHIP) {
      return Optional.empty();
    }
    int length = data.readInt();
    if (length < 9 || length > MAX_MEMBERSHIP_BYTES) {
      throw new IOException("snapshot payload with a membership of " + length + " bytes");
    }
    byte[] bytes = new byte[length];
    data.readFully(bytes);
    try {
      return Optional.of(Membership.fromBytes(bytes));
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new IOException("snapshot payload with an invalid membership: " + e.getMessage(), e);
    }
  }

  /**
   * Replace the session table and the state machine with a payload read from {@code in}.
   *
   * @return the membership it carries (see {@link #membership})
   */
  static Optional<Membership> restore(InputStream in, SessionTable table, StateMachine stateMachine)
      throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, 8);
    buffered.mark(4);
    int format = new DataInputStream(buffered).readInt();
    buffered.reset();
    Optional<Membership> governing = membership(buffered);
    if (format == FORMAT_WITH_MEMBERSHIP) {
      format = FORMAT_WITH_FAILURES;
    }
    DataInputStream data = new DataInputStream(buffered);
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
    stateMachine.restore(buffered);
    return governing;
  }
}
