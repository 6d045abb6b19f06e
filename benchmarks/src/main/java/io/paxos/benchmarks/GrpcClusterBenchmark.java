package io.paxos.benchmarks;

import io.paxos.core.storage.InMemoryStorage;
import io.paxos.grpc.LocalCluster;
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
 * Commands per second through a 3-node cluster over gRPC on loopback, in this JVM ({@link
 * LocalCluster}, in-memory storage), submitted by {@code PaxosClient}s as an application would.
 * Each operation is one W1 write; an invocation submits {@value CommandBurst#SIZE} at once and
 * waits for all.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class GrpcClusterBenchmark {

  /** Value bytes per write. */
  @Param("100")
  public int payloadBytes;

  private GrpcClients clients;
  private CommandBurst burst;

  @Setup(Level.Trial)
  public void start() {
    clients = GrpcClients.startLocal(3, id -> new InMemoryStorage(), CommandBurst.SIZE);
    burst = new CommandBurst(payloadBytes, 1);
  }

  @TearDown(Level.Trial)
  public void stop() {
    clients.close();
  }

  @Benchmark
  @OperationsPerInvocation(CommandBurst.SIZE)
  public int writes() {
    return burst.submitAndAwait(clients);
  }
}
