package io.paxos.core.storage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.CheckedOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots as files in a {@link FileStorage}'s data directory (layout in {@link SnapshotFile}).
 *
 * <p><b>Atomic write.</b> A snapshot is written to {@code snapshot-<slot>.snap.tmp}, forced,
 * renamed to {@code snapshot-<slot>.snap}, and then the directory is forced (docs/pitfalls.md #17),
 * so the final name appears only for a complete, durable file. Older snapshots are deleted after
 * that.
 *
 * <p><b>Opening.</b> Temporary files (a write cut short by a crash) are deleted. Every snapshot
 * file is read through and verified, newest first; the newest that verifies is used, and one that
 * does not (torn, bad checksum, another cluster) is logged as not used and left in place for
 * inspection.
 *
 * <p>Thread-safe.
 */
final class FileSnapshotStore implements SnapshotStore {
  private static final Logger log = LoggerFactory.getLogger(FileSnapshotStore.class);

  private final DataDirectory directory;
  private final String clusterId;
  private volatile SnapshotInfo current;

  private FileSnapshotStore(DataDirectory directory, String clusterId, SnapshotInfo current) {
    this.directory = directory;
    this.clusterId = clusterId;
    this.current = current;
  }

  /** Open the snapshots in {@code directory}: clean up, verify, pick the newest valid one. */
  static FileSnapshotStore open(DataDirectory directory, String clusterId) throws IOException {
    Path dir = directory.path();
    List<Long> slots = new ArrayList<>();
    boolean deleted = false;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        String name = f.getFileName().toString();
        if (name.startsWith("snapshot-") && name.endsWith(SnapshotFile.TEMP_SUFFIX)) {
          Files.delete(f);
          deleted = true;
          log.warn("deleted {}: a snapshot whose writing was cut short", f);
        } else {
          long slot = SnapshotFile.slotOf(name);
          if (slot > 0) {
            slots.add(slot);
          }
        }
      }
    }
    if (deleted) {
      directory.sync();
    }
    slots.sort(null);
    SnapshotInfo found = null;
    for (int i = slots.size() - 1; i >= 0 && found == null; i--) {
      Path f = dir.resolve(SnapshotFile.name(slots.get(i)));
      try {
        found = SnapshotFile.verify(f, slots.get(i), clusterId);
      } catch (SnapshotFile.Invalid e) {
        log.error(
            "snapshot {} is not used: {}; an older snapshot (or none) and the log are used"
                + " instead",
            f,
            e.getMessage());
      }
    }
    return new FileSnapshotStore(directory, clusterId, found);
  }

  @Override
  public Optional<SnapshotInfo> latest() {
    return Optional.ofNullable(current);
  }

  @Override
  public InputStream open(SnapshotInfo snapshot) throws IOException {
    Path f = directory.path().resolve(SnapshotFile.name(snapshot.slot()));
    if (!snapshot.equals(current)) {
      throw new NoSuchFileException(f.toString(), null, "not the current snapshot");
    }
    return SnapshotFile.openPayload(f, clusterId, snapshot.slot(), snapshot.size());
  }

  @Override
  public Writer begin(long slot) throws IOException {
    Path dir = directory.path();
    Path temp = dir.resolve(SnapshotFile.name(slot) + SnapshotFile.TEMP_SUFFIX);
    Path target = dir.resolve(SnapshotFile.name(slot));
    FileChannel ch =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
    ByteBuffer header = SnapshotFile.header(slot, clusterId);
    try {
      while (header.hasRemaining()) {
        ch.write(header);
      }
    } catch (IOException | RuntimeException e) {
      ch.close();
      Files.deleteIfExists(temp);
      throw e;
    }
    CRC32C crc = new CRC32C();
    CountingStream counting = new CountingStream(Channels.newOutputStream(ch), ch);
    OutputStream stream = new BufferedOutputStream(new CheckedOutputStream(counting, crc), 1 << 16);
    return new Writer() {
      private boolean done;

      @Override
      public OutputStream stream() {
        return stream;
      }

      @Override
      public SnapshotInfo commit() throws IOException {
        if (done) {
          throw new IllegalStateException("snapshot of slot " + slot + " is already finished");
        }
        done = true;
        try {
          stream.flush();
          int payloadCrc = (int) crc.getValue();
          ByteBuffer trailer = SnapshotFile.trailer(counting.count, payloadCrc, header);
          while (trailer.hasRemaining()) {
            ch.write(trailer);
          }
          ch.force(true);
          ch.close();
          Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
          directory.sync();
          SnapshotInfo info = new SnapshotInfo(slot, counting.count, payloadCrc);
          synchronized (FileSnapshotStore.this) {
            if (current == null || slot >= current.slot()) {
              current = info;
            }
          }
          deleteOlderThan(current.slot());
          return info;
        } catch (IOException | RuntimeException e) {
          discard();
          throw e;
        }
      }

      @Override
      public void close() {
        if (!done) {
          done = true;
          discard();
        }
      }

      private void discard() {
        try {
          ch.close();
          Files.deleteIfExists(temp);
        } catch (IOException e) {
          log.warn("cannot delete {}: {}", temp, e.toString());
        }
      }
    };
  }

  private void deleteOlderThan(long slot) throws IOException {
    List<Path> old = new ArrayList<>();
    try (Stream<Path> files = Files.list(directory.path())) {
      files.forEach(
          f -> {
            long s = SnapshotFile.slotOf(f.getFileName().toString());
            if (s > 0 && s < slot) {
              old.add(f);
            }
          });
    }
    for (Path f : old) {
      Files.deleteIfExists(f);
    }
    if (!old.isEmpty()) {
      directory.sync();
    }
  }

  /**
   * Counts the payload bytes written, and forces the file every {@link #FORCE_EVERY} bytes: a large
   * snapshot then reaches the disk in steps instead of in one flush at the commit, which on some
   * file systems would stall the log's own fsyncs (and so the node's replies) for as long.
   */
  private static final class CountingStream extends java.io.FilterOutputStream {
    static final long FORCE_EVERY = 8L << 20;
    private final FileChannel channel;
    long count;
    private long forcedAt;

    CountingStream(OutputStream out, FileChannel channel) {
      super(out);
      this.channel = channel;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
      forceNow();
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
      forceNow();
    }

    private void forceNow() throws IOException {
      if (count - forcedAt >= FORCE_EVERY) {
        channel.force(false);
        forcedAt = count;
      }
    }
  }
}
