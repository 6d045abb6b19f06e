package io.paxos.peers;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;

/**
 * Workload W1 as the repository's load generator runs it: {@code clients} writes kept in flight,
 * each completion sending the next at once; each write a PUT of a 16-byte key drawn uniformly from
 * 100,000 keys (client {@code c} draws from {@code new SplittableRandom(c)}) and a {@code
 * payload}-byte value. Latencies are recorded from the first write on and reset when the measured
 * window opens, so the warm-up runs exactly the code of the window. A failed write is counted and
 * replaced 1 ms later.
 */
public final class ClosedLoop {
  public static final int KEYS = 100_000;
  public static final int KEY_BYTES = 16;
  private static final String KEY_PREFIX = "k000000000";
  private static final Executor RETRY = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);

  /**
   * @param completed writes completed in the measured window
   * @param errors writes that failed, each replaced by a new one
   * @param cpuSeconds CPU time of this JVM in the window, or -1 if the JVM cannot tell
   */
  public record Result(
      long completed,
      double opsPerSecond,
      long p50Micros,
      long p99Micros,
      long p999Micros,
      long errors,
      Throwable firstError,
      double cpuSeconds) {}

  private final W1Options options;
  private final W1Cluster cluster;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();
  private volatile boolean running = true;

  public ClosedLoop(W1Options options, W1Cluster cluster) {
    this.options = options;
    this.cluster = cluster;
  }

  /** Key number {@code index} (0 to 99,999): the 16 ASCII bytes k0000000001xxxxx. */
  public static byte[] key(int index) {
    return (KEY_PREFIX + (KEYS + index)).getBytes(StandardCharsets.US_ASCII);
  }

  /** A write as the peers' state machines read it: the 16-byte key, then the value. */
  public static byte[] command(byte[] key, byte[] value) {
    byte[] command = new byte[KEY_BYTES + value.length];
    System.arraycopy(key, 0, command, 0, KEY_BYTES);
    System.arraycopy(value, 0, command, KEY_BYTES, value.length);
    return command;
  }

  public Result run() throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(options.clients);
    for (int c = 0; c < options.clients; c++) {
      new Client(c, stopped).next();
    }
    TimeUnit.SECONDS.sleep(options.warmup);
    latencies.reset();
    long startCount = completed.get();
    long startCpu = processCpuNanos();
    long start = System.nanoTime();
    TimeUnit.SECONDS.sleep(options.seconds);
    long elapsed = System.nanoTime() - start;
    long done = completed.get() - startCount;
    long endCpu = processCpuNanos();
    var histogram = latencies.getIntervalHistogram();
    running = false;
    stopped.await(30, TimeUnit.SECONDS);
    return new Result(
        done,
        done / (elapsed / 1e9),
        histogram.getValueAtPercentile(50) / 1000,
        histogram.getValueAtPercentile(99) / 1000,
        histogram.getValueAtPercentile(99.9) / 1000,
        errors.get(),
        firstError.get(),
        startCpu < 0 || endCpu < 0 ? -1 : (endCpu - startCpu) / 1e9);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return -1;
  }

  private final class Client {
    private final int index;
    private final SplittableRandom random;
    private final CountDownLatch stopped;
    private final byte[] value;

    Client(int index, CountDownLatch stopped) {
      this.index = index;
      this.random = new SplittableRandom(index);
      this.stopped = stopped;
      this.value = new byte[options.payload];
      random.nextBytes(value);
    }

    void next() {
      if (!running) {
        stopped.countDown();
        return;
      }
      byte[] command = command(key(random.nextInt(KEYS)), value);
      long sent = System.nanoTime();
      CompletableFuture<?> reply;
      try {
        reply = cluster.submit(index, command);
      } catch (RuntimeException e) {
        reply = CompletableFuture.failedFuture(e);
      }
      reply.whenComplete(
          (result, error) -> {
            if (error == null) {
              latencies.recordValue(System.nanoTime() - sent);
              completed.incrementAndGet();
              next();
            } else {
              // Off this thread: a write failed at once would otherwise recurse.
              errors.incrementAndGet();
              firstError.compareAndSet(null, error);
              RETRY.execute(this::next);
            }
          });
    }
  }
}
