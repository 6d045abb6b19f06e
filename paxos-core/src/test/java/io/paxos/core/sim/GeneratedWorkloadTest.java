package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The options behind {@code StateMachineSimulation}: the replicas' checks never change a run, and a
 * command generator's payloads are what the learners deliver.
 */
class GeneratedWorkloadTest {
  @Test
  void checkingReplicasQueriesAndInvariantsChangesNothingInTheRun() {
    for (Topology topology : Topology.values()) {
      SimOptions plain = SimOptions.randomized(11, topology);
      SimOptions checked =
          plain.toBuilder()
              .stateMachine(KvStateMachine::new)
              .queryGenerator(r -> new byte[] {(byte) r.nextInt(16)})
              .replicaCheck(m -> Optional.empty())
              .build();
      assertThat(Simulation.run(checked)).isEqualTo(Simulation.run(plain));
    }
  }

  @Test
  void theLearnersDeliverTheGeneratedPayloads() {
    List<String> delivered = new ArrayList<>();
    SimOptions options =
        SimOptions.randomized(3, Topology.THREE).toBuilder()
            .commands(50)
            .commandGenerator(r -> ("cmd-" + r.nextInt(1000)).getBytes())
            .stateMachine(
                () ->
                    new KvStateMachine() {
                      @Override
                      public byte[] apply(byte[] command) {
                        delivered.add(new String(command));
                        return super.apply(command);
                      }
                    })
            .build();
    SimResult r = Simulation.run(options);
    assertThat(r.requests()).isEqualTo(50);
    assertThat(delivered).isNotEmpty().allMatch(s -> s.matches("cmd-\\d{1,3}"));
    assertThat(Simulation.run(options)).isEqualTo(r); // the generator's draws are seeded too
  }

  @Test
  void aGeneratorThatReturnsNullIsRefused() {
    SimOptions options =
        SimOptions.builder(1, Topology.THREE.cluster()).commandGenerator(r -> null).build();
    assertThatThrownBy(() -> Simulation.run(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("returned null");
  }
}
