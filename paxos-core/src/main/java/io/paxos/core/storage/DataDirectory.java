package io.paxos.core.storage;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * A node's data directory: checked to exist and be writable, locked against a second running node
 * (a lock file held with {@link FileChannel#tryLock()}, released by {@link #close()} or when the
 * process dies), and stamped with the cluster id and node id it belongs to (a small metadata file,
 * written atomically: temp file, force, rename, force the directory). It remembers the file keys
 * (device and inode) of the directory and of its lock file, so that {@link #checkStillOurs()} can
 * tell that the directory was deleted or replaced while the node runs.
 *
 * <p>Not thread-safe; owned by one {@link FileStorage}.
 */
final class DataDirectory implements AutoCloseable {
  static final String LOCK_FILE = "paxos.lock";
  static final String META_FILE = "paxos.meta";
  static final String META_TEMP = "paxos.meta.tmp";

  /**
   * The metadata key of the bootstrap marker: {@code true} once the node bootstrapped a new cluster
   * on this directory and votes; {@code false} in a directory stamped empty and not (yet) marked. A
   * metadata file without the key was written before the marker existed, by a node that voted.
   */
  static final String BOOTSTRAPPED_KEY = "bootstrapped";

  private static final String FORMAT = "1";

  private final Path dir;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private String clusterId;
  private int nodeId;
  private boolean bootstrapped;

  private final Object dirKey;
  private final Object lockKey;

  private DataDirectory(Path dir, FileChannel lockChannel, FileLock lock) throws IOException {
    this.dir = dir;
    this.lockChannel = lockChannel;
    this.lock = lock;
    this.dirKey = Files.readAttributes(dir, BasicFileAttributes.class).fileKey();
    this.lockKey =
        Files.readAttributes(dir.resolve(LOCK_FILE), BasicFileAttributes.class).fileKey();
  }

  /**
   * Check that the directory and its lock file are still the ones this node opened: neither was
   * deleted, nor replaced by another of the same name (their file keys, device and inode, are
   * unchanged; where the file system has no file keys, that they still exist). A node whose
   * directory is gone would go on acknowledging writes into deleted files and restart empty.
   *
   * @throws StorageException saying so, if either was deleted or replaced
   */
  void checkStillOurs() {
    String problem = problem(dir, dirKey, "was deleted", "was replaced by another directory");
    if (problem == null) {
      problem =
          problem(
              dir.resolve(LOCK_FILE),
              lockKey,
              "had its lock file deleted",
              "had its lock file replaced");
      if (problem != null) {
        // The directory may have been moved away between the two looks: say so if it was.
        String dirNow = problem(dir, dirKey, "was deleted", "was replaced by another directory");
        problem = dirNow == null ? problem : dirNow;
      }
    }
    if (problem == null) {
      return;
    }
    throw new StorageException(
        "data directory "
            + dir
            + " "
            + problem
            + " while the node was running: it stops rather than acknowledge writes into"
            + " deleted files; restore the directory from a copy, or restart the node on it as"
            + " a member of the existing cluster (on an empty directory it serves as a learner"
            + " only)");
  }

  /**
   * Check, lock and stamp {@code dir}.
   *
   * @throws IllegalArgumentException if it is missing, not a writable directory, or belongs to
   *     another cluster or node
   * @throws StorageException if another node holds it, or its metadata cannot be read or written
   */
  static DataDirectory open(Path dir, String clusterId, int nodeId) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(
          "data directory "
              + dir
              + " does not exist or is not a directory: create it (an empty directory starts a"
              + " node with no state, which votes only if it bootstraps a new cluster) or fix the"
              + " path; a node never creates it itself, so that a wrong path cannot silently start"
              + " a node that forgot its promises");
    }
    if (!Files.isWritable(dir)) {
      throw notWritable(dir, null);
    }
    DataDirectory opened = lock(dir);
    try {
      opened.checkOrStamp(clusterId, nodeId);
      return opened;
    } catch (RuntimeException e) {
      opened.close();
      throw e;
    }
  }

  /** Why {@code path} is no longer the file whose key was {@code key}; null if it still is. */
  private static String problem(Path path, Object key, String gone, String replaced) {
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return Objects.equals(now, key) ? null : replaced;
    } catch (IOException e) {
      return gone;
    }
  }

  private static IllegalArgumentException notWritable(Path dir, Exception cause) {
    IllegalArgumentException e =
        new IllegalArgumentException(
            "data directory "
                + dir
                + " is not writable by this process: give the user running the node write"
                + " permission on it");
    if (cause != null) {
      e.initCause(cause);
    }
    return e;
  }

  private static DataDirectory lock(Path dir) {
    Path lockPath = dir.resolve(LOCK_FILE);
    FileChannel channel;
    try {
      channel =
          FileChannel.open(
              lockPath,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (AccessDeniedException e) {
      throw notWritable(dir, e);
    } catch (IOException e) {
      throw new StorageException("cannot create the lock file " + lockPath + ": " + e, e);
    }
    try {
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        String holder = readHolder(channel);
        throw new StorageException(
            "data directory "
                + dir
                + " is locked by another running node"
                + holder
                + ": stop that node first, or give this node its own directory");
      }
      ByteBuffer pid =
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII));
      channel.truncate(0);
      channel.write(pid, 0);
      return new DataDirectory(dir, channel, lock);
    } catch (IOException | RuntimeException e) {
      closeQuietly(channel);
      if (e instanceof RuntimeException) {
        throw (RuntimeException) e;
      }
      throw new StorageException("cannot lock data directory " + dir + ": " + e, e);
    }
  }

  private static String readHolder(FileChannel channel) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      channel.read(b, 0);
      String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
      return pid.isEmpty() ? "" : " (process " + pid + ")";
    } catch (IOException e) {
      return "";
    }
  }

  private void checkOrStamp(String clusterId, int nodeId) {
    this.clusterId = clusterId;
    this.nodeId = nodeId;
    Path meta = dir.resolve(META_FILE);
    try {
      Files.deleteIfExists(dir.resolve(META_TEMP));
      if (Files.exists(meta)) {
        check(meta, clusterId, nodeId);
        return;
      }
      if (!segmentNumbers().isEmpty()) {
        throw new StorageException(
            "data directory "
                + dir
                + " holds log segments but no "
                + META_FILE
                + ": it is damaged or was assembled by hand; restore it from a copy");
      }
      stamp(false);
    } catch (IOException e) {
      throw new StorageException("cannot read or write " + meta + ": " + e, e);
    }
  }

  private void check(Path meta, String clusterId, int nodeId) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(Files.readString(meta, StandardCharsets.UTF_8)));
    String format = p.getProperty("format");
    String cluster = p.getProperty("cluster-id");
    String node = p.getProperty("node-id");
    if (!FORMAT.equals(format) || cluster == null || node == null) {
      throw new StorageException(
          meta
              + " is not a metadata file of storage format "
              + FORMAT
              + " (format="
              + format
              + "): it is damaged or from another version; restore the directory from a copy");
    }
    if (!cluster.equals(clusterId) || !node.equals(Integer.toString(nodeId))) {
      throw new IllegalArgumentException(
          "data directory "
              + dir
              + " belongs to node "
              + node
              + " of cluster \""
              + cluster
              + "\", not to node "
              + nodeId
              + " of cluster \""
              + clusterId
              + "\": give every node its own directory, and check the node id and cluster id");
    }
    bootstrapped = !"false".equals(p.getProperty(BOOTSTRAPPED_KEY));
  }

  /** Whether the directory carries the bootstrap marker (see {@link #BOOTSTRAPPED_KEY}). */
  /** {@return the size of the segment files on disk; a segment deleted meanwhile counts 0} */
  long segmentBytes() {
    long total = 0;
    try {
      for (long number : segmentNumbers()) {
        try {
          total += Files.size(segmentPath(number));
        } catch (IOException e) {
          // deleted meanwhile (compacted): it takes no space
        }
      }
    } catch (IOException | RuntimeException e) {
      return total;
    }
    return total;
  }

  boolean bootstrapped() {
    return bootstrapped;
  }

  /** Write the bootstrap marker, durably (atomic rename, directory forced). */
  void markBootstrapped() throws IOException {
    if (!bootstrapped) {
      stamp(true);
    }
  }

  private void stamp(boolean bootstrapped) throws IOException {
    Properties p = new Properties();
    p.setProperty("format", FORMAT);
    p.setProperty("cluster-id", clusterId);
    p.setProperty("node-id", Integer.toString(nodeId));
    p.setProperty(BOOTSTRAPPED_KEY, Boolean.toString(bootstrapped));
    StringWriter text = new StringWriter();
    p.store(text, "paxos node data directory; do not edit");
    Path temp = dir.resolve(META_TEMP);
    try (FileChannel out =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        out.write(bytes);
      }
      out.force(true);
    }
    Files.move(
        temp,
        dir.resolve(META_FILE),
        StandardCopyOption.ATOMIC_MOVE,
        StandardCopyOption.REPLACE_EXISTING);
    sync();
    this.bootstrapped = bootstrapped;
  }

  Path path() {
    return dir;
  }

  Path segmentPath(long number) {
    return dir.resolve(RecordFormat.segmentName(number));
  }

  /** The numbers of the segment files present, ascending. */
  List<Long> segmentNumbers() throws IOException {
    List<Long> numbers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.forEach(
          f -> {
            long n = RecordFormat.segmentNumber(f.getFileName().toString());
            if (n >= 0) {
              numbers.add(n);
            }
          });
    }
    numbers.sort(null);
    return numbers;
  }

  /** Force the directory itself, so that files created, renamed or deleted in it survive. */
  void sync() throws IOException {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    }
  }

  /** Release the lock. Idempotent. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
    } catch (IOException e) {
      // closing the channel below releases it too
    }
    closeQuietly(lockChannel);
  }

  private static void closeQuietly(FileChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // nothing more to release
    }
  }
}
