package io.paxos.benchmarks;

import io.paxos.core.config.Bootstrap;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.SnapshotOptions;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.transport.InMemoryNetwork;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Write throughput while snapshots of a large state are taken: a 3-node cluster in this JVM
 * (in-memory transport, {@link FileStorage} in a temporary directory), each node holding a {@link
 * BlockStateMachine} of {@code --state-mb}, and {@code --inflight} writes kept in flight at the
 * leader. It runs twice, with snapshots off and then every {@code --snapshot-slots} slots, and
 * prints writes per second for each second and a {@code RESULT} line per run. Not run in verify.
 *
 * <pre>
 * java -Xmx4g -cp benchmarks/target/benchmarks.jar io.paxos.benchmarks.SnapshotBenchmark \
 *     --state-mb 256 --seconds 20
 * </pre>
 *
 * The heap must hold three states plus the blocks copied on write while a snapshot is written (for
 * a 1 GB state, {@code -Xmx8g} or more).
 */
@Command(
    name = "SnapshotBenchmark",
    mixinStandardHelpOptions = true,
    description = "Measure write throughput while snapshots of a large state are taken.")
public final class SnapshotBenchmark implements Callable<Integer> {
  @Option(names = "--state-mb", defaultValue = "64", description = "State per node, MiB (1-1024).")
  int stateMb;

  @Option(names = "--seconds", defaultValue = "15", description = "Seconds per run (1-3600).")
  int seconds;

  @Option(names = "--inflight", defaultValue = "256", description = "Writes in flight (1-100000).")
  int inflight;

  @Option(
      names = "--snapshot-slots",
      defaultValue = "2000",
      description = "Slots between snapshots in the second run.")
  long snapshotSlots;

  @Option(names = "--only-snapshots", description = "Skip the run without snapshots.")
  boolean onlySnapshots;

  public static void main(String[] args) {
    System.exit(new CommandLine(new SnapshotBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (stateMb < 1 || stateMb > 1024 || seconds < 1 || inflight < 1 || snapshotSlots < 1) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "need 1 <= --state-mb <= 1024 and positive other options");
    }
    if (!onlySnapshots) {
      run("snapshots off", SnapshotOptions.disabled());
    }
    run(
        "snapshots every " + snapshotSlots + " slots",
        SnapshotOptions.defaults().withIntervalSlots(snapshotSlots).withIntervalBytes(0));
    return 0;
  }

  private void run(String name, SnapshotOptions snapshots) throws Exception {
    Path dir = Files.createTempDirectory("paxos-snapshot-bench");
    ClusterConfig config = ClusterConfig.of("bench", 1, 2, 3);
    InMemoryNetwork network = new InMemoryNetwork();
    List<PaxosNode> nodes = new ArrayList<>();
    List<BlockStateMachine> machines = new ArrayList<>();
    try {
      for (int id : config.ids()) {
        Path nodeDir = Files.createDirectories(dir.resolve("node-" + id));
        BlockStateMachine sm = new BlockStateMachine((long) stateMb << 20);
        machines.add(sm);
        nodes.add(
            PaxosNode.builder()
                .config(config)
                .nodeId(id)
                .stateMachine(sm)
                .transport(network.transport(id))
                .storage(FileStorage.open(nodeDir, "bench", id))
                .snapshots(snapshots)
                .bootstrap(Bootstrap.NEW)
                .build());
      }
      PaxosNode leader = awaitLeader(nodes);
      Semaphore permits = new Semaphore(inflight);
      AtomicLong done = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      java.util.concurrent.ConcurrentHashMap<String, Long> failures =
          new java.util.concurrent.ConcurrentHashMap<>();
      long id = 0;
      long start = System.nanoTime();
      long nextReport = start + TimeUnit.SECONDS.toNanos(1);
      long end = start + TimeUnit.SECONDS.toNanos(seconds);
      long lastDone = 0;
      List<Long> perSecond = new ArrayList<>();
      while (System.nanoTime() < end) {
        if (!permits.tryAcquire(10, TimeUnit.MILLISECONDS)) {
          continue;
        }
        leader
            .submit(BlockStateMachine.command(id++ * 0x9E3779B97F4A7C15L))
            .whenComplete(
                (r, e) -> {
                  (e == null ? done : failed).incrementAndGet();
                  if (e != null) {
                    failures.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                  }
                  permits.release();
                });
        if (System.nanoTime() >= nextReport) {
          long d = done.get();
          perSecond.add(d - lastDone);
          lastDone = d;
          nextReport += TimeUnit.SECONDS.toNanos(1);
        }
      }
      permits.acquire(inflight);
      double secondsTaken = (System.nanoTime() - start) / 1e9;
      long snaps = 0;
      long capture = 0;
      long write = 0;
      for (BlockStateMachine m : machines) {
        snaps += m.snapshots.get();
        capture += m.captureNanos.get();
        write += m.writeNanos.get();
      }
      System.out.printf(Locale.ROOT, "%s: writes per second, each second: %s%n", name, perSecond);
      if (!failures.isEmpty()) {
        System.out.printf(Locale.ROOT, "%s: failed writes by exception: %s%n", name, failures);
      }
      System.out.printf(
          Locale.ROOT,
          "RESULT %s: state %d MiB/node, %.0f writes/s (slowest second %d), %d failed;"
              + " %d snapshots over 3 nodes, capture %.2f ms and write %.0f ms on average%n",
          name,
          stateMb,
          done.get() / secondsTaken,
          perSecond.stream().mapToLong(Long::longValue).min().orElse(0),
          failed.get(),
          snaps,
          snaps == 0 ? 0.0 : capture / 1e6 / snaps,
          snaps == 0 ? 0.0 : write / 1e6 / snaps);
    } finally {
      for (PaxosNode n : nodes) {
        n.close();
      }
      delete(dir);
    }
  }

  private static PaxosNode awaitLeader(List<PaxosNode> nodes) throws InterruptedException {
    for (int i = 0; i < 3000; i++) {
      for (PaxosNode n : nodes) {
        if (n.isLeader()) {
          return n;
        }
      }
      Thread.sleep(10);
    }
    throw new IllegalStateException("no leader within 30 s");
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
