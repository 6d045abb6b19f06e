package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The benchmark's gRPC cluster starts, applies every write it counts, and stops. */
class GrpcClusterBenchmarkTest {

  @Test
  void everyInvocationAppliesAFullBurst() {
    GrpcClusterBenchmark benchmark = new GrpcClusterBenchmark();
    benchmark.payloadBytes = 100;
    benchmark.start();
    try {
      assertThat(benchmark.writes()).isEqualTo(CommandBurst.SIZE);
      assertThat(benchmark.writes()).isEqualTo(CommandBurst.SIZE);
    } finally {
      benchmark.stop();
    }
  }
}
