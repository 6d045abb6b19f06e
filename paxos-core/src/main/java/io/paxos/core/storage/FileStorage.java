package io.paxos.core.storage;

import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.DurableState;
import io.paxos.core.protocol.Value;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Storage} in a data directory: an append-only log of checksummed records in segment files
 * (see {@link RecordFormat} for the layout and {@link LogRecovery} for how it is read back).
 *
 * <pre>{@code
 * PaxosNode node = PaxosNode.builder()
 *     ...
 *     .storage(FileStorage.open(Path.of("/var/lib/orders/node-1"), "orders", 1))
 *     .build();
 * }</pre>
 *
 * <p><b>Group commit.</b> The write methods only encode records into a reusable direct buffer; no
 * system call happens until {@link #sync()} or {@link #startSync()}, which write the buffer with
 * one positional write (more only for a batch larger than the buffer, or at a segment rollover);
 * the sync then forces the file once. The runtime starts one sync per group of batches and awaits
 * its force on another thread, so that the next group is written, and its force started, while the
 * previous force still runs (the disk takes overlapping forces of one file at about the cost of
 * one).
 *
 * <p><b>Overlapping forces.</b> Each record carries the offset up to which the current segment was
 * known forced when the record was written ({@link RecordFormat}'s {@code batchStart}): the start
 * of the oldest group whose force had not returned yet. A torn record is therefore never
 * acknowledged data as long as only records claiming a forced prefix at or below it follow it,
 * which is the rule {@link LogRecovery} applies. A segment rollover waits for the forces running on
 * the old segment, forces it and closes it; a force started on it before the rollover then has
 * nothing left to do.
 *
 * <p><b>Durability.</b> What {@link #sync()} returned from survives a crash or power loss. A new
 * segment is forced, and then its directory, before any record in it is acknowledged; a segment is
 * forced before the next one is created, so only the last segment can end in a torn write.
 *
 * <p><b>Compaction and snapshots.</b> Snapshots live in the same directory ({@link #snapshots()},
 * see {@link FileSnapshotStore}). {@link #compact} appends a COMPACT record, and rewrites the
 * promise and the round after it, so that nothing before the record is needed any more for the
 * slots it covers; after the next sync, every segment before the one holding that record whose
 * records name no slot above the compaction point is deleted, oldest first, forcing the directory
 * after each deletion so that the remaining segments always form a run without gaps.
 *
 * <p><b>Failures.</b> An I/O error, a failed force, or a data directory found deleted or replaced
 * at a sync makes this storage unusable: every later call throws {@link StorageException}
 * (docs/pitfalls.md #15: after a failed fsync the OS may have dropped the dirty pages, so a retry
 * that succeeds proves nothing). Restart the node: it recovers from what is on disk.
 *
 * <p><b>Threading.</b> Not thread-safe: one thread (the node's event loop or storage thread) makes
 * every call, except that the {@link Storage.Force}s returned by {@link #startSync()} may be
 * awaited on other threads; {@link #close()} may come from another thread once that thread has
 * stopped and the forces returned. {@link #close()} does not sync: writes after the last {@link
 * #sync()} are dropped, as a crash would drop them.
 */
public final class FileStorage implements Storage {
  private static final Logger log = LoggerFactory.getLogger(FileStorage.class);
  private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(64 * 1024).asReadOnlyBuffer();

  private final DataDirectory directory;
  private final FileStorageOptions options;
  private final DurableState recovered;
  private final FileSnapshotStore snapshots;
  private final TreeMap<Long, Long> segmentMaxSlot;
  private Ballot promised;
  private long maxRound;
  private long compactedThrough;
  private long keepFromSegment;
  private boolean deletionDue;
  private final CRC32C crc = new CRC32C();
  private ByteBuffer buffer;
  private Segment segment;
  private long nextChosenSlot;
  private volatile boolean failForce;
  private volatile StorageException failure;
  private boolean closed;
  // How far the log is known forced: mark(segment, offset), only going up. Forces on other threads
  // raise it; the writing thread reads it into each record's batchStart.
  private final AtomicLong forcedThrough = new AtomicLong();
  // Forces hold it shared; a rollover holds it exclusively while it forces and closes a segment.
  private final ReentrantReadWriteLock segmentLock = new ReentrantReadWriteLock();
  // The mark after the last COMPACT record and its rewrites: segments go once it is forced.
  private long deletionAfter;
  // The accepted records a chosen value may refer to (CHOSEN_REF).
  private final AcceptedInSegment acceptedHere = new AcceptedInSegment();

  private FileStorage(
      DataDirectory directory,
      FileStorageOptions options,
      DurableState recovered,
      Segment segment,
      FileSnapshotStore snapshots,
      TreeMap<Long, Long> segmentMaxSlot) {
    this.directory = directory;
    this.options = options;
    this.recovered = recovered;
    this.segment = segment;
    this.snapshots = snapshots;
    this.segmentMaxSlot = segmentMaxSlot;
    segmentMaxSlot.putIfAbsent(segment.number(), 0L);
    this.promised = recovered.promised();
    this.maxRound = recovered.maxRound();
    this.compactedThrough = recovered.compactedThrough();
    this.forcedThrough.set(mark(segment.number(), segment.position()));
    this.nextChosenSlot = recovered.nextChosenSlot();
    this.buffer = ByteBuffer.allocateDirect(options.writeBufferBytes()).order(RecordFormat.ORDER);
  }

  /**
   * {@link #open(Path, String, int, FileStorageOptions)} with the default options.
   *
   * @param dir an existing, writable directory used by this node only
   * @param clusterId the cluster's name, as in every member's configuration; not blank
   * @param nodeId this node's id in the cluster configuration
   * @return the opened storage, owned by the caller (close it, or the node that uses it does)
   */
  public static FileStorage open(Path dir, String clusterId, int nodeId) {
    return open(dir, clusterId, nodeId, FileStorageOptions.defaults());
  }

  /**
   * Open the data directory of node {@code nodeId} of cluster {@code clusterId}, recovering what
   * was durable in it. An empty directory starts a node with no state and is stamped with the ids.
   *
   * @param dir an existing, writable directory used by this node only
   * @param clusterId the cluster's name, as in every member's configuration; not blank
   * @param nodeId this node's id in the cluster configuration
   * @param options the segment and buffer sizes; see {@link FileStorageOptions#defaults()}
   * @return the opened storage, owned by the caller (close it, or the node that uses it does)
   * @throws IllegalArgumentException if {@code dir} is missing or not writable, or belongs to
   *     another cluster or node
   * @throws StorageException if another running node holds the directory, or its log is corrupt
   *     (the message names the file and offset) or cannot be read
   */
  public static FileStorage open(
      Path dir, String clusterId, int nodeId, FileStorageOptions options) {
    Objects.requireNonNull(dir, "dir");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(options, "options");
    if (clusterId.isBlank()) {
      throw new IllegalArgumentException("clusterId is blank: pass the cluster's name");
    }
    DataDirectory directory = DataDirectory.open(dir, clusterId, nodeId);
    try {
      LogRecovery.Result r = LogRecovery.recover(directory);
      FileSnapshotStore snapshots = FileSnapshotStore.open(directory, clusterId);
      Segment segment;
      if (r.lastSegment() == 0) {
        segment = Segment.create(dir, 1, options, ZEROS);
        directory.sync();
      } else {
        segment =
            Segment.openForAppend(
                directory.segmentPath(r.lastSegment()), r.lastSegment(), r.end(), options, ZEROS);
      }
      log.info(
          "opened {}: compacted through slot {}, snapshot {}, {} chosen slots after it, {} accepted"
              + " entries, promise {}, log ends at {} offset {}",
          dir,
          r.state().compactedThrough(),
          snapshots.latest().map(SnapshotInfo::slot).map(String::valueOf).orElse("none"),
          r.state().chosen().size(),
          r.state().accepted().size(),
          r.state().promised(),
          segment.path().getFileName(),
          segment.position());
      return new FileStorage(
          directory, options, r.state(), segment, snapshots, r.segmentMaxSlots());
    } catch (IOException e) {
      directory.close();
      throw new StorageException("cannot open the log in " + dir + ": " + e, e);
    } catch (RuntimeException | Error e) {
      directory.close();
      throw e;
    }
  }

  /** The state that was durable when this storage was opened (the same on every call). */
  @Override
  public DurableState load() {
    return recovered;
  }

  /**
   * Whether the data directory's metadata carries the bootstrap marker. A directory stamped by a
   * version without the marker counts as marked: its node voted.
   */
  @Override
  public boolean bootstrapped() {
    return directory.bootstrapped();
  }

  /** Rewrite the metadata file with the marker: temp file, force, rename, force the directory. */
  @Override
  public void markBootstrapped() {
    checkUsable();
    try {
      directory.markBootstrapped();
    } catch (IOException e) {
      throw fail("writing the bootstrap marker in " + directory.path(), e);
    }
  }

  @Override
  public void savePromise(Ballot promised) {
    if (promised.epoch() == 0) {
      int start = begin(RecordFormat.PROMISE, RecordFormat.PROMISE_PAYLOAD);
      buffer.putLong(promised.round()).putInt(promised.nodeId());
      seal(start);
    } else {
      int start = begin(RecordFormat.EPOCH_PROMISE, RecordFormat.EPOCH_PROMISE_PAYLOAD);
      buffer.putInt(promised.epoch()).putLong(promised.round()).putInt(promised.nodeId());
      seal(start);
    }
    this.promised = Ballot.max(this.promised, promised);
  }

  @Override
  public void saveRound(long round) {
    int start = begin(RecordFormat.ROUND, RecordFormat.ROUND_PAYLOAD);
    buffer.putLong(round);
    seal(start);
    maxRound = Math.max(maxRound, round);
  }

  @Override
  public void saveAccepted(AcceptedEntry entry) {
    int valueSize = ValueCodec.size(entry.value());
    Ballot ballot = entry.ballot();
    int start;
    if (ballot.epoch() == 0) {
      start = begin(RecordFormat.ACCEPTED, RecordFormat.ACCEPTED_FIXED + valueSize);
      buffer.putLong(entry.slot());
    } else {
      start = begin(RecordFormat.EPOCH_ACCEPTED, RecordFormat.EPOCH_ACCEPTED_FIXED + valueSize);
      buffer.putLong(entry.slot()).putInt(ballot.epoch());
    }
    buffer.putLong(ballot.round()).putInt(ballot.nodeId());
    ValueCodec.write(entry.value(), buffer);
    seal(start);
    noteSlot(entry.slot());
    acceptedHere.written(segment.number(), entry);
  }

  /**
   * @throws IllegalArgumentException if {@code slot} is not the slot after the last one appended
   *     (or recovered)
   */
  @Override
  public void appendChosen(long slot, Value value) {
    if (slot <= compactedThrough) {
      return; // covered by the snapshot the log was compacted to
    }
    if (slot != nextChosenSlot) {
      throw new IllegalArgumentException(
          "chosen slot " + slot + " appended out of order; expected " + nextChosenSlot);
    }
    AcceptedEntry accepted = acceptedHere.referable(segment.number(), slot, value);
    if (accepted != null && fitsInSegment(RecordFormat.CHOSEN_REF_PAYLOAD)) {
      // The payload is in this segment already, in the ACCEPTED record the vote depended on.
      Ballot ballot = accepted.ballot();
      int start = begin(RecordFormat.CHOSEN_REF, RecordFormat.CHOSEN_REF_PAYLOAD);
      buffer.putLong(slot).putInt(ballot.epoch()).putLong(ballot.round()).putInt(ballot.nodeId());
      seal(start);
    } else {
      int valueSize = ValueCodec.size(value);
      int start = begin(RecordFormat.CHOSEN, RecordFormat.CHOSEN_FIXED + valueSize);
      buffer.putLong(slot);
      ValueCodec.write(value, buffer);
      seal(start);
    }
    noteSlot(slot);
    nextChosenSlot++;
  }

  private void noteSlot(long slot) {
    segmentMaxSlot.merge(segment.number(), slot, Math::max);
  }

  @Override
  public void compact(long snapshotSlot) {
    if (snapshotSlot <= compactedThrough) {
      return;
    }
    int start = begin(RecordFormat.COMPACT, RecordFormat.COMPACT_PAYLOAD);
    buffer.putLong(snapshotSlot);
    seal(start);
    keepFromSegment = segment.number();
    compactedThrough = snapshotSlot;
    // Their chosen records are void now: hold their values no longer than the acceptor does.
    acceptedHere.compacted(snapshotSlot);
    nextChosenSlot = Math.max(nextChosenSlot, snapshotSlot + 1);
    // The promise and round may live only in segments about to be deleted: write them again.
    if (!promised.equals(Ballot.ZERO)) {
      savePromise(promised);
    }
    if (maxRound > 0) {
      saveRound(maxRound);
    }
    deletionDue = true;
    deletionAfter = mark(segment.number(), appendOffset());
  }

  /** The snapshots kept in this storage's directory. */
  @Override
  public SnapshotStore snapshots() {
    return snapshots;
  }

  /** The segments still present, oldest first, for tests. */
  List<Long> segmentNumbers() throws IOException {
    return directory.segmentNumbers();
  }

  /**
   * Delete, oldest first, the segments before the one holding the last COMPACT record whose records
   * name no slot above the compaction point. Runs after the COMPACT record is durable. A failure
   * only leaves a segment behind (recovery reads it and the COMPACT record voids it again).
   */
  private void deleteCompactedSegments() {
    deletionDue = false;
    while (!segmentMaxSlot.isEmpty()) {
      Map.Entry<Long, Long> first = segmentMaxSlot.firstEntry();
      long number = first.getKey();
      if (number >= keepFromSegment || first.getValue() > compactedThrough) {
        return;
      }
      Path path = directory.segmentPath(number);
      try {
        Files.deleteIfExists(path);
        directory.sync();
      } catch (IOException e) {
        log.warn("cannot delete compacted log segment {}: {}", path, e.toString());
        return;
      }
      segmentMaxSlot.remove(number);
      log.debug("deleted log segment {}: compacted through slot {}", path, compactedThrough);
    }
  }

  /**
   * Write the records of this batch and force them to disk: one force, however many records. Then
   * check that the data directory is still the one this storage opened (two {@code stat}s): if it
   * was deleted or replaced, the records went into deleted files, and nothing of this batch may be
   * acknowledged.
   *
   * @throws StorageException if that fails; every later call throws too
   */
  @Override
  public void sync() {
    startSync().await();
    deleteIfCompactionForced();
  }

  /**
   * Write the records made so far to the file, and return the force that makes them durable: one
   * force, however many records, which may be awaited on another thread while this one goes on
   * writing (see the class comment). The force then checks that the data directory is still the one
   * this storage opened (two {@code stat}s): if it was deleted or replaced, the records went into
   * deleted files, and nothing written before the force may be acknowledged.
   *
   * @throws StorageException if the write fails; every later call throws too
   */
  @Override
  public Force startSync() {
    checkUsable();
    try {
      writeBuffer();
    } catch (IOException e) {
      throw fail("write to " + segment.path(), e);
    }
    deleteIfCompactionForced();
    Segment seg = segment;
    long mark = mark(seg.number(), seg.position());
    return () -> force(seg, mark);
  }

  /** Make the log durable through {@code mark}, in {@code seg}; any thread. */
  private void force(Segment seg, long mark) {
    StorageException failed = failure;
    if (failed != null) {
      throw new StorageException(
          "storage in " + directory.path() + " failed earlier and may not be used again", failed);
    }
    if (forcedThrough.get() < mark) {
      segmentLock.readLock().lock();
      try {
        if (!seg.retired()) { // else the rollover forced it
          if (failForce) {
            throw new IOException("injected fsync failure");
          }
          seg.force();
        }
      } catch (IOException e) {
        throw fail("sync of " + seg.path(), e);
      } finally {
        segmentLock.readLock().unlock();
      }
    }
    try {
      directory.checkStillOurs();
    } catch (StorageException e) {
      failure = e;
      throw e;
    }
    forcedThrough.accumulateAndGet(mark, Math::max);
  }

  /** Delete the compacted segments once the COMPACT record that allows it is durable. */
  private void deleteIfCompactionForced() {
    if (deletionDue && forcedThrough.get() >= deletionAfter) {
      deleteCompactedSegments();
    }
  }

  /** A position in the log, ordered as the log: segment number, then offset. */
  private static long mark(long segmentNumber, long offset) {
    return (segmentNumber << 32) | offset;
  }

  /**
   * The batchStart of a record written now: the offset in the current segment up to which the log
   * is known forced (the segment header's end if nothing of this segment is known forced).
   */
  private int commitStart() {
    long forced = forcedThrough.get();
    return (forced >>> 32) == segment.number()
        ? (int) (forced & 0xFFFF_FFFFL)
        : RecordFormat.SEGMENT_HEADER;
  }

  /** The data directory. */
  @Override
  public String location() {
    return directory.path().toString();
  }

  /** The size of the log's segment files on disk (a segment is allocated ahead of its records). */
  @Override
  public long logBytes() {
    return directory.segmentBytes();
  }

  /** {@return {@link FileStorageOptions#forcesInFlight()}} */
  @Override
  public int forcesInFlight() {
    return options.forcesInFlight();
  }

  /** True: a sync forces the log file to disk. */
  @Override
  public boolean blockingSync() {
    return true;
  }

  /** Release the directory. Does not sync. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      segment.close();
    } catch (IOException e) {
      log.warn("closing {} failed: {}", segment.path(), e.toString());
    }
    directory.close();
  }

  /** Test hook: make every later force fail, as a failing disk would. */
  void failForces() {
    failForce = true;
  }

  /** Where the next record goes, for tests: the current segment and the offset in it. */
  Path currentSegment() {
    return segment.path();
  }

  long appendOffset() {
    return segment.position() + buffer.position();
  }

  /** Reserve room for a record and write its header; returns the record's start in the buffer. */
  /**
   * Whether a record of {@code payloadSize} bytes goes into the current segment, without a roll.
   */
  private boolean fitsInSegment(int payloadSize) {
    long end = segment.position() + buffer.position();
    return end + RecordFormat.OVERHEAD + payloadSize <= options.segmentBytes()
        || end <= RecordFormat.SEGMENT_HEADER;
  }

  private int begin(byte type, int payloadSize) {
    checkUsable();
    int size = RecordFormat.OVERHEAD + payloadSize;
    try {
      if (!fitsInSegment(payloadSize)) {
        roll();
      }
      if (buffer.remaining() < size) {
        writeBuffer();
        if (buffer.capacity() < size) {
          buffer = ByteBuffer.allocateDirect(size).order(RecordFormat.ORDER);
        }
      }
    } catch (IOException e) {
      throw fail("write to " + segment.path(), e);
    }
    int start = buffer.position();
    buffer.putInt(0).putInt(size - RecordFormat.RECORD_HEADER).putInt(commitStart()).put(type);
    return start;
  }

  /** Fill in the checksum of the record that starts at {@code start} and ends at the position. */
  private void seal(int start) {
    long fileOffset = segment.position() + start;
    buffer.putInt(
        start,
        RecordFormat.checksum(crc, buffer, start, buffer.position(), segment.number(), fileOffset));
  }

  private void writeBuffer() throws IOException {
    if (buffer.position() == 0) {
      return;
    }
    long commitBytes = segment.position() + buffer.position() - commitStart();
    buffer.flip();
    segment.write(buffer, commitBytes < Segment.PREALLOCATE_CHUNK / 4);
    buffer.clear();
  }

  /**
   * Close the full segment and start the next. The old one is forced first (with the records of
   * this batch so far, after the forces running on it returned), and the new one and the directory
   * are forced before anything is written to it, so that recovery finds a torn write only in the
   * last segment.
   */
  private void roll() throws IOException {
    writeBuffer();
    segmentLock.writeLock().lock();
    try {
      if (failForce) {
        throw new IOException("injected fsync failure");
      }
      segment.force(); // also what a force started earlier and not yet run was to force
      segment.retire();
      segment.close();
    } finally {
      segmentLock.writeLock().unlock();
    }
    forcedThrough.accumulateAndGet(mark(segment.number(), segment.position()), Math::max);
    segment = Segment.create(directory.path(), segment.number() + 1, options, ZEROS);
    directory.sync();
    segmentMaxSlot.put(segment.number(), 0L);
    forcedThrough.accumulateAndGet(mark(segment.number(), RecordFormat.SEGMENT_HEADER), Math::max);
  }

  private void checkUsable() {
    if (failure != null) {
      throw new StorageException(
          "storage in " + directory.path() + " failed earlier and may not be used again", failure);
    }
    if (closed) {
      throw new IllegalStateException("storage in " + directory.path() + " is closed");
    }
  }

  private StorageException fail(String what, IOException cause) {
    failure =
        new StorageException(
            what
                + " failed: "
                + cause
                + ". The storage may not be used again (the OS may have dropped the unwritten"
                + " data, so a retry proves nothing): restart the node to recover from disk",
            cause);
    return failure;
  }
}
