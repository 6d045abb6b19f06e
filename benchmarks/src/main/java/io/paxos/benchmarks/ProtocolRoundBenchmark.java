package io.paxos.benchmarks;

import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one client command through a full Multi-Paxos round on the protocol core alone: three
 * nodes hosting all roles ({@code ClusterConfig.of("bench", 1, 2, 3)}), a leader elected in setup,
 * then per operation one command submitted at the leader, {@code Accept} to the three acceptors,
 * {@code Accepted} back, until the leader's learner delivers it. One thread, no storage, no
 * transport, no batching (one command per slot): the floor under every other figure.
 *
 * <p>The cluster is rebuilt for every iteration because acceptors keep every accepted slot until
 * log truncation exists, so a long run would otherwise measure a growing heap.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ProtocolRoundBenchmark {

  /** Payload bytes per command. */
  @Param("16")
  public int payloadBytes;

  private ProtocolCluster cluster;

  @Setup(Level.Iteration)
  public void electLeader() {
    cluster = new ProtocolCluster(3, payloadBytes, false);
    cluster.elect();
  }

  @Benchmark
  public long oneCommand() {
    return cluster.submitAndDeliver();
  }
}
