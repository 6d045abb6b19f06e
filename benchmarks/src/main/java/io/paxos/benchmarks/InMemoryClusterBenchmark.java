package io.paxos.benchmarks;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.storage.InMemoryStorage;
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
 * Commands per second through a 3-node cluster of real {@code PaxosNode}s (event loops, apply
 * threads, a {@code KeyValueStore} each) over the in-memory network, with in-memory storage: the
 * runtime and protocol without I/O. Each operation is one W1 write; an invocation submits {@value
 * CommandBurst#SIZE} at the leader at once and waits for all, with at most {@code maxBatchCommands}
 * commands in one slot.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class InMemoryClusterBenchmark {

  /** The most commands the leader puts in one slot. */
  @Param({"1", "16", "256"})
  public int maxBatchCommands;

  /** Value bytes per write. */
  @Param("100")
  public int payloadBytes;

  private InMemoryCluster cluster;
  private CommandBurst burst;

  @Setup(Level.Trial)
  public void start() {
    cluster =
        InMemoryCluster.start(
            3,
            ProtocolOptions.defaults().withMaxBatchCommands(maxBatchCommands),
            id -> new InMemoryStorage());
    burst = new CommandBurst(payloadBytes, 1);
  }

  @TearDown(Level.Trial)
  public void stop() {
    cluster.close();
  }

  @Benchmark
  @OperationsPerInvocation(CommandBurst.SIZE)
  public int writes() {
    return burst.submitAndAwait(cluster);
  }
}
