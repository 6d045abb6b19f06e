package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PackedCommandsTest {

  private static Value.Batch randomBatch(SplittableRandom random, int count) {
    List<Command> commands = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[random.nextInt(0, 300)];
      random.nextBytes(payload);
      commands.add(
          new Command(
              random.nextInt(),
              random.nextLong(),
              random.nextLong(1, Long.MAX_VALUE),
              random.nextBoolean() ? 0 : random.nextLong(),
              payload));
    }
    return new Value.Batch(commands);
  }

  @Test
  void aPackedBatchHoldsTheSameCommandsInOrder() {
    SplittableRandom random = new SplittableRandom(42);
    for (int round = 0; round < 200; round++) {
      Value.Batch batch = randomBatch(random, random.nextInt(1, 40));

      Value.Batch packed = batch.packed();

      assertThat(packed.commands()).isInstanceOf(PackedCommands.class);
      assertThat(packed.commands()).containsExactlyElementsOf(batch.commands());
      assertThat(packed).isEqualTo(batch);
      assertThat(batch).isEqualTo(packed);
      assertThat(packed.hashCode()).isEqualTo(batch.hashCode());
      assertThat(packed.byteSize()).isEqualTo(batch.byteSize());
    }
  }

  @Test
  void extremeFieldsSurvivePacking() {
    Command c = new Command(-1, Long.MIN_VALUE, Long.MAX_VALUE, -1L, new byte[0]);
    Command d = new Command(Integer.MAX_VALUE, -1L, 1, Long.MAX_VALUE, new byte[] {-1, 0, 127});
    Value.Batch packed = new Value.Batch(List.of(c, d)).packed();

    assertThat(packed.commands().get(0)).isEqualTo(c);
    assertThat(packed.commands().get(1)).isEqualTo(d);
  }

  @Test
  void packingIsDoneOnceAndANoOpStaysItself() {
    Value.Batch packed = randomBatch(new SplittableRandom(7), 3).packed();

    assertThat(packed.packed()).isSameAs(packed);
    assertThat(new Value.Batch(packed.commands()).commands()).isSameAs(packed.commands());
    assertThat(Value.NOOP.packed()).isSameAs(Value.NOOP);
  }

  @Test
  void aPackedBatchIsReadOnlyAndChecksItsIndex() {
    Value.Batch packed = randomBatch(new SplittableRandom(9), 2).packed();
    List<Command> commands = packed.commands();

    assertThatThrownBy(() -> commands.get(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThatThrownBy(() -> commands.add(commands.get(0)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> commands.set(0, commands.get(1)))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aReadCommandOwnsItsPayload() {
    Value.Batch packed = randomBatch(new SplittableRandom(11), 1).packed();
    byte[] first = packed.commands().get(0).payload();
    byte[] copy = first.clone();
    if (first.length > 0) {
      first[0]++;
    }

    assertThat(packed.commands().get(0).payload()).isEqualTo(copy);
  }
}
