package io.paxos.examples.kv;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.testing.StateMachineSimulation;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/**
 * The example store under the simulator's faults: puts, deletes, compare-and-sets that hold and
 * that do not, reads and scans through the log, and malformed commands; every replica equal to a
 * reference after every slot, {@code applyWithoutResult} as {@code apply}, snapshots that restore,
 * queries that change nothing.
 */
class KeyValueStoreSimulationTest {
  private static final String[] KEYS = {"a", "b", "user/1", "user/2", "user/3", "ü"};
  private static final String[] VALUES = {"", "x", "y", "a longer value"};

  private static String key(RandomGenerator r) {
    return KEYS[r.nextInt(KEYS.length)];
  }

  private static byte[] value(RandomGenerator r) {
    return VALUES[r.nextInt(VALUES.length)].getBytes(StandardCharsets.UTF_8);
  }

  static byte[] command(RandomGenerator r) {
    switch (r.nextInt(8)) {
      case 0:
      case 1:
      case 2:
        return KvCommand.put(key(r), value(r)).encode();
      case 3:
        return KvCommand.delete(key(r)).encode();
      case 4:
        Optional<byte[]> expected = r.nextBoolean() ? Optional.empty() : Optional.of(value(r));
        return KvCommand.cas(key(r), expected, value(r)).encode();
      case 5:
        return KvCommand.get(key(r)).encode();
      case 6:
        return KvCommand.scan("user/", Optional.empty(), 1 + r.nextInt(3)).encode();
      default:
        byte[] malformed = new byte[r.nextInt(4)];
        r.nextBytes(malformed);
        return malformed; // answered with an error, changing nothing
    }
  }

  static byte[] query(RandomGenerator r) {
    return r.nextBoolean()
        ? KvCommand.get(key(r)).encode()
        : KvCommand.scan(r.nextBoolean() ? "" : "user/", Optional.empty(), 1 + r.nextInt(4))
            .encode();
  }

  @Test
  void everyReplicaOfTheStoreAgreesUnderFaults() {
    StateMachineSimulation.Summary summary =
        StateMachineSimulation.of(KeyValueStore::new)
            .commands(KeyValueStoreSimulationTest::command)
            .queries(KeyValueStoreSimulationTest::query)
            .invariant("at most one entry per key", store -> store.size() <= KEYS.length)
            .seeds(25)
            .run();
    System.out.println("KeyValueStoreSimulationTest: " + summary);
    assertThat(summary.snapshots()).isPositive();
    assertThat(summary.installs()).isPositive();
  }
}
