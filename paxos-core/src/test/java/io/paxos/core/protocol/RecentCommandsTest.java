package io.paxos.core.protocol;

import static io.paxos.core.protocol.RecentCommands.Seen.DUPLICATE;
import static io.paxos.core.protocol.RecentCommands.Seen.FORGOTTEN;
import static io.paxos.core.protocol.RecentCommands.Seen.NEW;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
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
    assertThat(recent.add(command(1, 7, 1))).isEqualTo(NEW);
    assertThat(recent.add(new Command(1, 7, 1, new byte[] {9}))).isEqualTo(DUPLICATE);
    assertThat(recent.add(command(2, 7, 1))).as("another origin").isEqualTo(NEW);
    assertThat(recent.add(command(1, 8, 1))).as("another client").isEqualTo(NEW);
    assertThat(recent.add(command(1, 7, 2))).as("another sequence").isEqualTo(NEW);
  }

  @Test
  void theOldestIdIsForgottenFirst() {
    RecentCommands recent = new RecentCommands(3);
    for (long s = 1; s <= 4; s++) {
      assertThat(recent.add(command(1, 7, s))).isEqualTo(NEW);
    }
    assertThat(recent.add(command(1, 7, 4))).isEqualTo(DUPLICATE);
    assertThat(recent.add(command(1, 7, 3))).isEqualTo(DUPLICATE);
    assertThat(recent.add(command(1, 7, 1)))
        .as("forgotten: maybe seen, never taken for new")
        .isEqualTo(FORGOTTEN);
    assertThat(recent.add(command(1, 7, 0))).as("below what was forgotten").isEqualTo(FORGOTTEN);
    assertThat(recent.add(command(2, 8, 1))).as("another client").isEqualTo(NEW);
    assertThat(recent.add(command(1, 7, 5))).as("above what was forgotten").isEqualTo(NEW);
  }

  /**
   * Agrees with a model: an insertion-ordered set of the last {@code capacity} ids and, per client,
   * the highest sequence forgotten; over many adds of new and repeated ids with evictions (which
   * exercise collisions and backward-shift deletion).
   */
  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 5, 64, 1000})
  void agreesWithAModelOfTheLastIdsAndTheForgottenMarks(int capacity) {
    record Id(int origin, long clientId, long sequence) {}
    RecentCommands recent = new RecentCommands(capacity);
    LinkedHashSet<Id> model = new LinkedHashSet<>();
    Map<Long, Long> marks = new HashMap<>();
    long[] counters = new long[4];
    SplittableRandom random = new SplittableRandom(capacity);
    int[] seen = new int[RecentCommands.Seen.values().length];
    for (int step = 0; step < 200_000; step++) {
      int client = random.nextInt(4);
      long sequence =
          random.nextBoolean()
              ? ++counters[client]
              : Math.max(1, counters[client] - random.nextInt(capacity * 2 + 1));
      Id id = new Id(1 + random.nextInt(3), client, sequence);
      RecentCommands.Seen expected;
      if (model.contains(id)) {
        expected = DUPLICATE;
      } else if (marks.containsKey(id.clientId()) && sequence <= marks.get(id.clientId())) {
        expected = FORGOTTEN;
      } else {
        expected = NEW;
        model.add(id);
        if (model.size() > capacity) {
          Id oldest = model.iterator().next();
          model.remove(oldest);
          marks.merge(oldest.clientId(), oldest.sequence(), Math::max);
        }
      }
      assertThat(recent.add(command(id.origin(), id.clientId(), id.sequence())))
          .as("step %d, %s", step, id)
          .isEqualTo(expected);
      seen[expected.ordinal()]++;
    }
    assertThat(seen).as("every answer occurs").doesNotContain(0);
  }
}
