package io.paxos.benchmarks;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.FileStorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Group commit on a real disk: {@link FileStorage} appending {@code batchSize} chosen records of
 * about {@code recordBytes} each (payload plus 34-35 bytes of record framing and value encoding)
 * and syncing once per batch, next to the raw rate of the same disk: the same number of bytes
 * written with a plain {@link FileChannel} and forced ({@code rawForce}).
 *
 * <p>The primary score is batches (syncs) per second; the {@code records} and {@code bytes}
 * counters give appends per second and bytes per second (divide by 10^6 for MB/s). Files live in a
 * temporary directory (under {@code java.io.tmpdir}) deleted in tear-down; raw files roll over at
 * 64 MiB like the log's segments, and are kept like them until tear-down.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar FileStorage -f 1 -wi 2 -i 3
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class FileStorageBenchmark {
  static final long SEGMENT_BYTES = 64L << 20;

  /** Framing of a chosen record of one command with a payload of 128 bytes or more. */
  static final int RECORD_OVERHEAD = 35;

  /** Approximate bytes per record on disk. */
  @Param({"100", "4096"})
  public int recordBytes;

  /** Records per sync. */
  @Param({"1", "16", "256"})
  public int batchSize;

  /** What the log wrote, reported by JMH as rates next to the primary score. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Written {
    public long records;
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
      records = 0;
      bytes = 0;
    }
  }

  /** A {@link FileStorage} in a temporary directory. */
  @State(Scope.Thread)
  public static class Log {
    @Param({"true", "false"})
    public boolean preallocate;

    Path dir;
    FileStorage storage;
    Value value;
    long slot;

    @Setup(Level.Trial)
    public void open(FileStorageBenchmark params) throws IOException {
      dir = Files.createTempDirectory("paxos-storage-bench");
      FileStorageOptions options =
          FileStorageOptions.defaults()
              .withSegmentBytes(SEGMENT_BYTES)
              .withPreallocate(preallocate);
      storage = FileStorage.open(dir, "bench", 1, options);
      int payload = Math.max(0, params.recordBytes - RECORD_OVERHEAD);
      value = new Value.Batch(List.of(new Command(1, 42, 1, randomBytes(payload))));
      slot = 1;
    }

    @TearDown(Level.Trial)
    public void close() {
      storage.close();
      deleteTree(dir);
    }
  }

  /** A plain file channel in a temporary directory, written and forced like the log. */
  @State(Scope.Thread)
  public static class RawFile {
    Path dir;
    FileChannel channel;
    ByteBuffer batch;
    long position;
    int files;

    @Setup(Level.Trial)
    public void open(FileStorageBenchmark params) throws IOException {
      dir = Files.createTempDirectory("paxos-raw-bench");
      byte[] bytes = randomBytes(params.recordBytes * params.batchSize);
      batch = ByteBuffer.allocateDirect(bytes.length).put(bytes);
      roll();
    }

    /**
     * Start the next file, keeping the full one like the log keeps its segments: deleting it would
     * let the file system hand the same freed blocks back, which measured up to a third faster here
     * than the fresh blocks the log writes to.
     */
    void roll() throws IOException {
      if (channel != null) {
        channel.close();
      }
      files++;
      channel =
          FileChannel.open(
              dir.resolve("raw-" + files), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      position = 0;
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
      channel.close();
      deleteTree(dir);
    }
  }

  @Benchmark
  public void fileStorage(Log log, Written written) {
    for (int i = 0; i < batchSize; i++) {
      log.storage.appendChosen(log.slot++, log.value);
    }
    log.storage.sync();
    written.records += batchSize;
    written.bytes += (long) batchSize * recordBytes;
  }

  @Benchmark
  public void rawForce(RawFile raw, Written written) throws IOException {
    if (raw.position >= SEGMENT_BYTES) {
      raw.roll();
    }
    raw.batch.clear();
    while (raw.batch.hasRemaining()) {
      raw.position += raw.channel.write(raw.batch, raw.position);
    }
    raw.channel.force(false);
    written.records += batchSize;
    written.bytes += (long) batchSize * recordBytes;
  }

  static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SplittableRandom(n).nextBytes(bytes);
    return bytes;
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
