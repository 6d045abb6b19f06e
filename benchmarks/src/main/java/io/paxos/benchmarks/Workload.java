package io.paxos.benchmarks;

import io.paxos.examples.kv.KvCommand;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Recorder;

/**
 * A closed loop of {@code clients} outstanding writes: each completion immediately sends the next.
 * Latency is measured from submit to completion for every write completed in the measured window.
 * The warm-up runs exactly the code of the measured window: the JIT deoptimized and recompiled the
 * hot paths for several seconds into the window when the warm-up did not record latencies.
 */
final class Workload {
  static final int KEYS = 100_000;
  private static final String KEY_PREFIX = "k000000000";
  private static final Executor RETRY = CompletableFuture.delayedExecutor(1, TimeUnit.MILLISECONDS);

  record Settings(int clients, int payload, int seconds, int warmup) {}

  /**
   * @param errors writes that failed (each replaced by a new one)
   * @param firstError the first failure, or null
   * @param cpuSeconds CPU time this JVM used in the measured window (all threads, the cluster's too
   *     when it runs in this JVM), or -1 if the JVM cannot tell
   * @param latencies every completed write's latency in the window, in nanoseconds
   */
  record Result(
      long completed,
      double opsPerSecond,
      long p50Micros,
      long p99Micros,
      long p999Micros,
      long errors,
      Throwable firstError,
      double cpuSeconds,
      org.HdrHistogram.Histogram latencies) {}

  private final Settings settings;
  private final W1Target target;
  private final Runnable windowOpens;
  private final Recorder latencies = new Recorder(3);
  private final AtomicLong completed = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();
  private final AtomicReference<Throwable> firstError = new AtomicReference<>();
  private volatile boolean running = true;

  /** W1's write: a PUT of {@code value} at a 16-byte key drawn uniformly from {@link #KEYS}. */
  static byte[] put(SplittableRandom random, byte[] value) {
    return KvCommand.put(key(random.nextInt(KEYS)), value).encode();
  }

  /** W1's key number {@code index} (0 to {@link #KEYS} - 1): 16 bytes, k0000000001xxxxx. */
  static String key(int index) {
    return KEY_PREFIX + (KEYS + index);
  }

  Workload(Settings settings, W1Target target) {
    this(settings, target, () -> {});
  }

  /**
   * A workload that runs {@code windowOpens} when the warm-up ends and the measured window opens.
   */
  Workload(Settings settings, W1Target target, Runnable windowOpens) {
    this.settings = settings;
    this.target = target;
    this.windowOpens = windowOpens;
  }

  Result run() throws InterruptedException {
    CountDownLatch stopped = new CountDownLatch(settings.clients());
    for (int c = 0; c < settings.clients(); c++) {
      new Client(c, new SplittableRandom(c), stopped).next();
    }
    TimeUnit.SECONDS.sleep(settings.warmup());
    latencies.reset();
    windowOpens.run();
    long startCount = completed.get();
    long startCpu = processCpuNanos();
    long start = System.nanoTime();
    TimeUnit.SECONDS.sleep(settings.seconds());
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
        startCpu < 0 || endCpu < 0 ? -1 : (endCpu - startCpu) / 1e9,
        histogram);
  }

  /** The CPU time of this JVM so far, or -1 if the platform does not report it. */
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

    Client(int index, SplittableRandom random, CountDownLatch stopped) {
      this.index = index;
      this.random = random;
      this.stopped = stopped;
      this.value = new byte[settings.payload()];
      random.nextBytes(value);
    }

    void next() {
      if (!running) {
        stopped.countDown();
        return;
      }
      byte[] command = put(random, value);
      long sent = System.nanoTime();
      target
          .submit(index, command)
          .whenComplete(
              (result, error) -> {
                if (error == null) {
                  // Recorded in the warm-up too (and reset when the window opens), so the JIT
                  // compiles the measured path before the window, not during it.
                  latencies.recordValue(System.nanoTime() - sent);
                  completed.incrementAndGet();
                  next();
                } else {
                  // Retry later, off this thread: a future failed at once would otherwise
                  // recurse, and retrying at once spins while there is no leader.
                  errors.incrementAndGet();
                  firstError.compareAndSet(null, error);
                  RETRY.execute(this::next);
                }
              });
    }
  }
}
