package io.paxos.core.storage;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A {@link SnapshotStore} in memory, holding the newest snapshot only: committed snapshots survive
 * {@link InMemoryStorage#crash()} (a commit is durable at once), snapshots being written do not.
 * For tests, demos and benchmarks. Thread-safe.
 */
public final class InMemorySnapshotStore implements SnapshotStore {
  private SnapshotInfo info;
  private byte[] payload;
  private long commits;

  @Override
  public synchronized Optional<SnapshotInfo> latest() {
    return Optional.ofNullable(info);
  }

  @Override
  public synchronized InputStream open(SnapshotInfo snapshot) throws IOException {
    if (!snapshot.equals(info)) {
      throw new NoSuchFileException("snapshot of slot " + snapshot.slot() + " was replaced");
    }
    return new ByteArrayInputStream(payload);
  }

  @Override
  public Writer begin(long slot) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    return new Writer() {
      private boolean done;

      @Override
      public OutputStream stream() {
        return bytes;
      }

      @Override
      public SnapshotInfo commit() {
        if (done) {
          throw new IllegalStateException("snapshot of slot " + slot + " already committed");
        }
        done = true;
        byte[] data = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(data);
        SnapshotInfo committed = new SnapshotInfo(slot, data.length, (int) crc.getValue());
        synchronized (InMemorySnapshotStore.this) {
          if (info == null || slot >= info.slot()) {
            info = committed;
            payload = data;
          }
          commits++;
        }
        return committed;
      }

      @Override
      public void close() {
        done = true;
      }
    };
  }

  /** {@return how many snapshots were committed, for tests} */
  public synchronized long commitCount() {
    return commits;
  }
}
