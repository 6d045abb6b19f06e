package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The benchmark's cluster starts with each batch limit and applies every write it counts. */
class InMemoryClusterBenchmarkTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 16, 256})
  void everyInvocationAppliesAFullBurst(int maxBatchCommands) {
    InMemoryClusterBenchmark benchmark = new InMemoryClusterBenchmark();
    benchmark.maxBatchCommands = maxBatchCommands;
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
