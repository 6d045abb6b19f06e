package io.paxos.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.paxos.core.StateMachine;
import io.paxos.core.sim.Faults;
import io.paxos.core.sim.InvariantViolation;
import io.paxos.core.sim.SimulationFailure;
import io.paxos.core.sim.StorageCrash;
import io.paxos.core.sim.Topology;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The simulator of users' state machines passes a correct bank and catches each way of breaking
 * one, naming the seed and the replay, and the broken invariant.
 */
class StateMachineSimulationTest {
  private static StateMachineSimulation<Bank, byte[]> simulation(Supplier<Bank> bank) {
    return StateMachineSimulation.of(bank)
        .commands(Bank::transfer)
        .queries(Bank::balanceQuery)
        .invariant("the total is conserved", b -> b.total() == 400)
        .invariant("no balance is negative", Bank::noneNegative)
        .seeds(30);
  }

  /**
   * Runs {@code bank}'s simulation, which must fail: the error, checked to name seed and replay.
   */
  private static AssertionError failure(Supplier<Bank> bank, String invariant) {
    AssertionError e = catchThrowableOfType(AssertionError.class, () -> simulation(bank).run());
    assertThat(e).as("the simulation of a broken bank must fail").isNotNull();
    assertThat(e.getMessage())
        .matches("(?s)seed \\d+ failed \\(.*\\): " + invariant + " violated: .*")
        .containsPattern("replay: \\.firstSeed\\(\\d+\\)\\.seeds\\(1\\), or -Dpaxos.sim.seed=\\d+");
    assertThat(((SimulationFailure) e.getCause()).invariant()).isEqualTo(invariant);
    return e;
  }

  private static long seedOf(AssertionError e) {
    return Long.parseLong(e.getMessage().replaceFirst("(?s)seed (\\d+) .*", "$1"));
  }

  @Test
  void aCorrectBankPassesEverySeedWithSnapshotsInstallsAndCrashes() {
    StateMachineSimulation.Summary summary = simulation(Bank::new).run();
    assertThat(summary.seeds()).isEqualTo(30);
    assertThat(summary.slots()).isPositive();
    assertThat(summary.snapshots()).as("every seed snapshots").isPositive();
    assertThat(summary.installs()).as("some learner installs a peer's snapshot").isPositive();
    assertThat(summary.crashes()).isPositive();
  }

  @Test
  void anApplyWithoutResultThatDoesNothingIsCaught() {
    AssertionError e =
        failure(
            () ->
                new Bank() {
                  @Override
                  public void applyWithoutResult(byte[] command) {}
                },
            InvariantViolation.APPLY_WITHOUT_RESULT);
    assertThat(e.getMessage()).contains("applyWithoutResult changes the state differently");
  }

  @Test
  void anApplyWithoutResultThatDiffersFromApplyIsCaught() {
    failure(
        () ->
            new Bank() {
              @Override
              public void applyWithoutResult(byte[] command) {
                balances[command[1]] += command[2]; // credits without debiting
              }
            },
        InvariantViolation.APPLY_WITHOUT_RESULT);
  }

  @Test
  void aRestoreThatLosesStateIsCaught() {
    AssertionError e =
        failure(
            () ->
                new Bank() {
                  @Override
                  public void restore(InputStream in) throws IOException {
                    super.restore(in);
                    balances[3] = 100; // forgets the last account
                  }
                },
            InvariantViolation.SNAPSHOT_RESTORE);
    assertThat(e.getMessage()).contains("restored from").contains("snapshots to different bytes");
  }

  @Test
  void aQueryThatChangesTheStateIsCaught() {
    AssertionError e =
        failure(
            () ->
                new Bank() {
                  @Override
                  public byte[] query(byte[] query) {
                    balances[query[0]] -= 1; // a "fee" for asking
                    balances[(query[0] + 1) % ACCOUNTS] += 1;
                    return super.query(query);
                  }
                },
            InvariantViolation.QUERY_CHANGES_STATE);
    assertThat(e.getMessage()).contains("changed its state");
  }

  @Test
  void aNondeterministicBankIsCaughtAsSuch() {
    AssertionError e =
        failure(
            () ->
                new Bank() {
                  private final Random unseeded = new Random(); // a different stream per replica

                  @Override
                  public byte[] apply(byte[] command) {
                    byte[] amount = command.clone();
                    amount[2] = (byte) unseeded.nextInt(80); // not the amount chosen
                    return super.apply(amount);
                  }
                },
            InvariantViolation.NONDETERMINISM);
    assertThat(e.getMessage()).contains("is not deterministic");
  }

  @Test
  void aResultThatDependsOnMoreThanStateAndCommandIsCaught() {
    int[] instances = {0};
    failure(
        () ->
            new Bank() {
              private final int instance = instances[0]++;

              @Override
              public byte[] apply(byte[] command) {
                super.apply(command);
                return Integer.toString(instance).getBytes(StandardCharsets.US_ASCII);
              }
            },
        InvariantViolation.RESULTS);
  }

  @Test
  void aQueryAnswerThatDependsOnMoreThanTheStateIsCaught() {
    int[] instances = {0};
    failure(
        () ->
            new Bank() {
              private final int instance = instances[0]++;

              @Override
              public byte[] query(byte[] query) {
                return Integer.toString(instance).getBytes(StandardCharsets.US_ASCII);
              }
            },
        InvariantViolation.QUERY_ANSWERS);
  }

  @Test
  void aSnapshotWrittenInHashOrderIsCaught() {
    // A map of many keys, snapshotted in HashMap order: a replica restored from a snapshot has a
    // smaller table than one that once held more keys, so the same entries come out in another
    // order, and the snapshot bytes differ.
    AssertionError e =
        catchThrowableOfType(
            AssertionError.class,
            () ->
                StateMachineSimulation.of(HashOrderedStore::new)
                    .commands(r -> new byte[] {(byte) r.nextInt(40), (byte) r.nextInt(3)})
                    .seeds(30)
                    .run());
    assertThat(e).isNotNull();
    assertThat(((SimulationFailure) e.getCause()).invariant())
        .isEqualTo(InvariantViolation.SNAPSHOT_RESTORE);
    assertThat(e.getMessage()).matches("(?s)seed \\d+ failed .*replay: .*");
  }

  /** Keys 0-39: a command {@code [key, 0]} deletes the key, any other puts it. */
  static final class HashOrderedStore implements StateMachine {
    private final Map<String, Integer> values = new HashMap<>();

    @Override
    public byte[] apply(byte[] command) {
      String key = "key-" + command[0];
      if (command[1] == 0) {
        values.remove(key);
      } else {
        values.merge(key, 1, Integer::sum);
      }
      return new byte[0];
    }

    @Override
    public byte[] query(byte[] query) {
      return new byte[0];
    }

    @Override
    public Snapshot snapshot() {
      StringBuilder b = new StringBuilder();
      values.forEach((k, v) -> b.append(k).append('=').append(v).append(';')); // hash order
      byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
      return out -> out.write(bytes);
    }

    @Override
    public void restore(InputStream in) throws IOException {
      values.clear();
      for (String entry : new String(in.readAllBytes(), StandardCharsets.UTF_8).split(";")) {
        if (!entry.isEmpty()) {
          String[] kv = entry.split("=");
          values.put(kv[0], Integer.parseInt(kv[1]));
        }
      }
    }
  }

  @Test
  void aBankThatOverdrawsBreaksTheApplicationsInvariant() {
    AssertionError e =
        failure(
            () ->
                new Bank() {
                  @Override
                  public byte[] apply(byte[] command) {
                    balances[command[0]] -= command[2]; // no check of the balance
                    balances[command[1]] += command[2];
                    return new byte[] {1};
                  }
                },
            InvariantViolation.STATE_INVARIANT);
    assertThat(e.getMessage()).contains("\"no balance is negative\" does not hold of Bank[");
  }

  @Test
  void anApplyThatThrowsFailsNamingTheSlot() {
    AssertionError e =
        failure(
            () ->
                new Bank() {
                  @Override
                  public byte[] apply(byte[] command) {
                    if (command[2] == 79) {
                      throw new IllegalStateException("boom");
                    }
                    return super.apply(command);
                  }
                },
            InvariantViolation.STATE_MACHINE_FAILED);
    assertThat(e.getMessage()).contains("apply of slot").contains("boom");
  }

  @Test
  void theReplayHintReproducesTheFailureExactly() {
    Supplier<Bank> broken =
        () ->
            new Bank() {
              @Override
              public void applyWithoutResult(byte[] command) {}
            };
    AssertionError first = failure(broken, InvariantViolation.APPLY_WITHOUT_RESULT);
    long seed = seedOf(first);
    assertThatThrownBy(() -> simulation(broken).firstSeed(seed).seeds(1).run())
        .isInstanceOf(AssertionError.class)
        .hasMessage(first.getMessage());
    String before = System.getProperty(StateMachineSimulation.SEED_PROPERTY);
    System.setProperty(StateMachineSimulation.SEED_PROPERTY, Long.toString(seed));
    try {
      assertThatThrownBy(() -> simulation(broken).firstSeed(1000).run())
          .isInstanceOf(AssertionError.class)
          .hasMessage(first.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(StateMachineSimulation.SEED_PROPERTY);
      } else {
        System.setProperty(StateMachineSimulation.SEED_PROPERTY, before);
      }
    }
  }

  @Test
  void aSeedRunsTheSameTwice() {
    StateMachineSimulation<Bank, byte[]> sim = simulation(Bank::new).firstSeed(42).seeds(3);
    assertThat(sim.run()).isEqualTo(sim.run());
  }

  @Test
  void theOptionsAreChecked() {
    assertThatThrownBy(() -> simulation(Bank::new).seeds(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> simulation(Bank::new).commandsPerSeed(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> simulation(Bank::new).clusterShapes())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> simulation(Bank::new).clusterShapes(ClusterShape.THREE, null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> simulation(Bank::new).without((Fault) null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> StateMachineSimulation.of(Bank::new).run())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("commands(");
  }

  @Test
  void aSeedNearTheEndOfTheRangeRuns() {
    // Seeds from Long.MAX_VALUE on: each of them runs (the range wraps to Long.MIN_VALUE).
    StateMachineSimulation<Bank, byte[]> last =
        simulation(Bank::new).firstSeed(Long.MAX_VALUE).clusterShapes(ClusterShape.THREE);
    long lastOnly = last.seeds(1).run().slots();
    StateMachineSimulation.Summary both = last.seeds(2).run();
    assertThat(lastOnly).isPositive();
    assertThat(both.seeds()).isEqualTo(2);
    assertThat(both.slots()).isGreaterThan(lastOnly);
  }

  @Test
  void eachClusterShapeIsTheSimulatorsTopologyOfItsName() {
    assertThat(Arrays.stream(ClusterShape.values()).map(ClusterShape::topology))
        .containsExactly(Topology.values());
  }

  @Test
  void aFaultLeftOutHappensInNoSeed() {
    StateMachineSimulation.Summary all = simulation(Bank::new).seeds(12).run();
    StateMachineSimulation.Summary calm =
        simulation(Bank::new).seeds(12).without(Fault.CRASHES).without(Fault.WIPES).run();
    assertThat(all.crashes()).as("the same seeds crash with every fault").isPositive();
    assertThat(all.wipes()).as("and wipe").isPositive();
    assertThat(calm.crashes()).isZero();
    assertThat(calm.wipes()).isZero();
    assertThat(calm.seeds()).isEqualTo(12);
  }

  @Test
  void eachFaultLeftOutZeroesItsOwnRatesAndCounts() {
    Faults every = new Faults(0.1, 0.2, 1, 9, 3, 4, 0.25, 0.5, 100, StorageCrash.KEEP_PREFIX, 5, 6);
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.noneOf(Fault.class)))
        .isEqualTo(every);
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.allOf(Fault.class)))
        .isEqualTo(new Faults(0, 0, 1, 9, 0, 0, 0, 0, 100, StorageCrash.KEEP_PREFIX, 0, 0));
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.of(Fault.MESSAGE_LOSS)).dropRate())
        .isZero();
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.of(Fault.DUPLICATION)))
        .isEqualTo(new Faults(0.1, 0, 1, 9, 3, 4, 0.25, 0.5, 100, StorageCrash.KEEP_PREFIX, 5, 6));
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.of(Fault.PARTITIONS)).partitions())
        .isZero();
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.of(Fault.CRASHES)))
        .isEqualTo(new Faults(0.1, 0.2, 1, 9, 3, 0, 0, 0, 100, StorageCrash.KEEP_PREFIX, 5, 6));
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.of(Fault.WIPES)).wipes()).isZero();
    assertThat(StateMachineSimulation.leaveOut(every, EnumSet.of(Fault.PAUSES)).pauses()).isZero();
  }

  @Test
  void aTraceSeesTheEventsAndDoesNotChangeTheRun() {
    List<String> lines = new ArrayList<>();
    StateMachineSimulation.Summary traced =
        simulation(Bank::new).firstSeed(7).seeds(2).trace(lines::add).run();
    assertThat(lines).hasSizeGreaterThanOrEqualTo((int) traced.steps());
    assertThat(simulation(Bank::new).firstSeed(7).seeds(2).run()).isEqualTo(traced);
  }
}
