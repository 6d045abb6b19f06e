package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RecentCommandsTest {
  private static Command command(int origin, long clientId, long sequence) {
    return new Command(origin, clientId, sequence, new byte[0]);
  }

  @Test
  void aCommandSeenAgainIsADuplicateWhateverItsPayload() {
    RecentCommands recent = new RecentCommands(4);
    assertThat(recent.add(command(1, 7, 1))).isTrue();
    assertThat(recent.add(new Command(1, 7, 1, new byte[] {9}))).isFalse();
    assertThat(recent.add(command(2, 7, 1))).as("another origin").isTrue();
    assertThat(recent.add(command(1, 8, 1))).as("another client").isTrue();
    assertThat(recent.add(command(1, 7, 2))).as("another sequence").isTrue();
  }

  @Test
  void theOldestIdIsForgottenFirst() {
    RecentCommands recent = new RecentCommands(3);
    for (long s = 1; s <= 4; s++) {
      assertThat(recent.add(command(1, 7, s))).isTrue();
    }
    assertThat(recent.add(command(1, 7, 4))).isFalse();
    assertThat(recent.add(command(1, 7, 3))).isFalse();
    assertThat(recent.add(command(1, 7, 1))).as("forgotten, so new again").isTrue();
  }

  /**
   * Agrees with a plain insertion-ordered set of the last {@code capacity} ids, over many adds with
   * repeats and evictions (which exercise collisions and backward-shift deletion).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 64, 1000})
  void agreesWithAnInsertionOrderedSetOfTheLastIds(int capacity) {
    record Id(int origin, long clientId, long sequence) {}
    RecentCommands recent = new RecentCommands(capacity);
    LinkedHashSet<Id> model = new LinkedHashSet<>();
    SplittableRandom random = new SplittableRandom(capacity);
    List<Integer> origins = List.of(1, 2, 3);
    for (int step = 0; step < 200_000; step++) {
      Id id =
          new Id(origins.get(random.nextInt(3)), random.nextInt(4), random.nextLong(capacity * 3L));
      boolean expected = model.add(id);
      if (expected && model.size() > capacity) {
        model.remove(model.iterator().next());
      }
      assertThat(recent.add(command(id.origin(), id.clientId(), id.sequence())))
          .as("step %d, %s", step, id)
          .isEqualTo(expected);
    }
  }
}
