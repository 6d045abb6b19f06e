package io.paxos.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Optional;

/**
 * Where a node keeps its newest snapshot: the bytes of the replicated state (the state machine and
 * the session table) as of one slot. The log below that slot may then be compacted ({@link
 * Storage#compact}), so a snapshot is written atomically and verified when read back.
 *
 * <p><b>Contract.</b> {@link Writer#commit()} returns only when the snapshot is durable and
 * complete, and only then does {@link #latest()} return it; a crash before that leaves the previous
 * snapshot in place. A snapshot that fails its checksum when the store opens is never returned.
 * Committing a snapshot may drop older ones: a store keeps at least the newest.
 *
 * <p><b>Threading.</b> Implementations are thread-safe: the node writes and reads snapshots on its
 * snapshot thread, and reads the newest one when it starts. Every method may block on I/O; none is
 * called on the event loop.
 */
public interface SnapshotStore {

  /** {@return the newest complete, verified snapshot, if there is one} */
  Optional<SnapshotInfo> latest();

  /**
   * Open the payload of {@code snapshot} for reading from its start.
   *
   * @param snapshot a snapshot this store returned from {@link #latest()} or {@link
   *     Writer#commit()}
   * @return the payload's bytes; the caller closes the stream
   * @throws IOException if it cannot be read
   * @throws java.nio.file.NoSuchFileException if the store no longer holds it (a newer one replaced
   *     it)
   */
  InputStream open(SnapshotInfo snapshot) throws IOException;

  /**
   * Begin writing the snapshot of {@code slot}. Write its payload to {@link Writer#stream()}, then
   * {@link Writer#commit()} it; {@link Writer#close()} without a commit discards it.
   *
   * @param slot the slot the snapshot covers, at least 1
   * @return the writer, owned by the caller, who must close it
   * @throws IOException if the snapshot cannot be started (no space for a temporary file, say)
   */
  Writer begin(long slot) throws IOException;

  /** A snapshot being written. Not thread-safe: one thread writes and commits it. */
  interface Writer extends AutoCloseable {
    /** {@return where the payload goes} */
    OutputStream stream();

    /**
     * Make the snapshot durable and the newest one.
     *
     * @return the committed snapshot: its slot, size and checksum
     * @throws IOException if it cannot be made durable; it is then discarded
     */
    SnapshotInfo commit() throws IOException;

    /** Discard the snapshot unless it was committed. Idempotent. */
    @Override
    void close();
  }

  /**
   * Write a whole snapshot: {@link #begin}, {@code payload}, {@link Writer#commit()}.
   *
   * @param slot the slot the snapshot covers, at least 1
   * @param payload writes the snapshot's bytes
   * @return the committed snapshot
   * @throws IOException if the payload or the store fails; the snapshot is then discarded
   */
  default SnapshotInfo save(long slot, Payload payload) throws IOException {
    try (Writer w = begin(slot)) {
      payload.writeTo(w.stream());
      return w.commit();
    }
  }

  /** Writes a snapshot's payload. */
  @FunctionalInterface
  interface Payload {
    /**
     * Write the payload.
     *
     * @param out where to write; the caller closes it
     * @throws IOException if writing fails
     */
    void writeTo(OutputStream out) throws IOException;
  }
}
