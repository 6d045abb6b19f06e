package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The benchmark measures real work: every command it times is chosen and delivered everywhere. */
class ProtocolRoundBenchmarkTest {

  @Test
  void everyCommandIsDeliveredAtAllThreeLearnersInOrder() {
    ProtocolCluster cluster = new ProtocolCluster(3, 16, true);
    int leader = cluster.elect();
    assertThat(leader).isBetween(1, 3);

    int commands = 500;
    for (int i = 1; i <= commands; i++) {
      assertThat(cluster.submitAndDeliver()).isEqualTo(i);
      assertThat(cluster.deliveries(leader)).hasSize(i);
    }
    cluster.routeUntilQuiet();

    List<Long> expected = LongStream.rangeClosed(1, commands).boxed().toList();
    for (int id = 1; id <= 3; id++) {
      assertThat(cluster.deliveries(id)).as("learner %d", id).isEqualTo(expected);
    }
  }

  @Test
  void theBenchmarkMethodDeliversOneCommandPerCall() {
    ProtocolRoundBenchmark benchmark = new ProtocolRoundBenchmark();
    benchmark.payloadBytes = 16;
    benchmark.electLeader();
    for (long i = 1; i <= 300; i++) {
      assertThat(benchmark.oneCommand()).isEqualTo(i);
    }
  }

  @Test
  void electionIsDeterministic() {
    assertThat(new ProtocolCluster(3, 16, false).elect())
        .isEqualTo(new ProtocolCluster(3, 16, false).elect());
  }
}
