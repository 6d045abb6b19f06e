package io.paxos.benchmarks;

import io.paxos.core.Watch;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.config.WatchOptions;
import io.paxos.core.storage.InMemoryStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What watching costs the write path: {@link InMemoryClusterBenchmark}'s writes (16 commands per
 * slot at most) with no watch history ({@code off}, the default), with a history and no watcher
 * ({@code history}), and with a history and one watcher per node draining it on its own thread
 * ({@code watched}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class WatchOverheadBenchmark {

  @Param({"off", "history", "watched"})
  public String mode;

  private InMemoryCluster cluster;
  private CommandBurst burst;
  private final List<Thread> drainers = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();

  @Setup(Level.Trial)
  public void start() {
    cluster =
        InMemoryCluster.start(
            3,
            ProtocolOptions.defaults().withMaxBatchCommands(16),
            id -> new InMemoryStorage(),
            mode.equals("off") ? WatchOptions.disabled() : WatchOptions.defaults());
    burst = new CommandBurst(100, 1);
    if (mode.equals("watched")) {
      for (var node : cluster.nodes()) {
        Watch w = node.watch(1);
        watches.add(w);
        Thread t =
            new Thread(
                () -> {
                  try {
                    while (!Thread.currentThread().isInterrupted()) {
                      w.take(1024, Duration.ofMillis(100));
                    }
                  } catch (InterruptedException | RuntimeException e) {
                    // stopped, closed, or cut off: the benchmark ends or goes on unwatched
                  }
                },
                "watch-drainer-" + node.id());
        t.setDaemon(true);
        t.start();
        drainers.add(t);
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    drainers.forEach(Thread::interrupt);
    for (Thread t : drainers) {
      t.join(1000);
    }
    watches.forEach(Watch::close);
    cluster.close();
  }

  @Benchmark
  @OperationsPerInvocation(CommandBurst.SIZE)
  public int writes() {
    return burst.submitAndAwait(cluster);
  }
}
