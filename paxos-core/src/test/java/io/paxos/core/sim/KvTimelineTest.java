package io.paxos.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Value;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The reference the session and stale reads are checked against ({@link KvTimeline}) and the
 * key-value commands it applies ({@link KvCommand}, {@link KvStore}).
 */
class KvTimelineTest {
  private final AgreementChecker agreement = new AgreementChecker();
  private final KvTimeline timeline = new KvTimeline(agreement);
  private long sequence;

  private Value write(KvCommand.Op op, String key, String value, String expected) {
    byte[] payload = new KvCommand(op, key, value, expected).encode();
    return new Value.Batch(List.of(new Command(1, 0x10000, ++sequence, sequence, payload)));
  }

  private void chosen(long slot, Value value) {
    agreement.onDeliver(1, slot, value);
  }

  @Test
  void aValueIsHeldFromTheSlotThatWroteItUntilTheSlotThatOverwroteIt() {
    chosen(1, write(KvCommand.Op.PUT, "k", "a", null));
    chosen(2, Value.NOOP);
    chosen(3, write(KvCommand.Op.PUT, "k", "b", null));
    chosen(4, write(KvCommand.Op.DELETE, "k", null, null));
    assertThat(timeline.catchUp()).isEqualTo(4);

    assertThat(timeline.held("k", null, 0, 0)).as("absent before any write").isTrue();
    assertThat(timeline.held("k", null, 1, 3)).as("present from slot 1 to 3").isFalse();
    assertThat(timeline.held("k", "a", 1, 1)).isTrue();
    assertThat(timeline.held("k", "a", 2, 4)).as("a session at slot 2 still sees a").isTrue();
    assertThat(timeline.held("k", "a", 3, 4)).as("overwritten at slot 3").isFalse();
    assertThat(timeline.held("k", "b", 0, 2)).as("not yet written through slot 2").isFalse();
    assertThat(timeline.held("k", "b", 0, 3)).isTrue();
    assertThat(timeline.held("k", null, 3, 4)).as("deleted at slot 4").isTrue();
    assertThat(timeline.held("k", "never", 0, Long.MAX_VALUE)).isFalse();
    assertThat(timeline.held("other", null, 0, 4)).isTrue();
  }

  @Test
  void aCasAppliesOnlyWhenItsExpectationHoldsAndARetriedSessionCommandOnlyOnce() {
    Value put = write(KvCommand.Op.PUT, "k", "a", null);
    chosen(1, put);
    chosen(2, write(KvCommand.Op.CAS, "k", "x", "wrong"));
    chosen(3, write(KvCommand.Op.CAS, "k", "b", "a"));
    chosen(4, put); // a retry of the put of slot 1, chosen again: the session table drops it
    timeline.catchUp();
    assertThat(timeline.held("k", "x", 0, 4)).isFalse();
    assertThat(timeline.held("k", "b", 4, 4)).isTrue();
    assertThat(timeline.held("k", "a", 4, 4)).isFalse();
  }

  @Test
  void catchUpStopsAtTheFirstSlotNobodyDelivered() {
    chosen(1, write(KvCommand.Op.PUT, "k", "a", null));
    chosen(3, write(KvCommand.Op.PUT, "k", "c", null));
    assertThat(timeline.catchUp()).isEqualTo(1);
    assertThat(timeline.held("k", "c", 0, 3)).isFalse();
    chosen(2, Value.NOOP);
    assertThat(timeline.catchUp()).isEqualTo(3);
    assertThat(timeline.held("k", "c", 0, 3)).isTrue();
  }

  @Test
  void commandsRoundTripAndOtherBytesAreNotKeyValueCommands() {
    for (KvCommand c :
        List.of(
            new KvCommand(KvCommand.Op.PUT, "k", "v", null),
            new KvCommand(KvCommand.Op.DELETE, "", null, null),
            new KvCommand(KvCommand.Op.CAS, "k\u0000\uD800", "", "é"),
            new KvCommand(KvCommand.Op.CAS, "k", "v", null))) {
      assertThat(KvCommand.decode(c.encode())).isEqualTo(c);
    }
    byte[] valid = new KvCommand(KvCommand.Op.PUT, "k", "v", null).encode();
    for (int length = 0; length < valid.length; length++) {
      assertThat(KvCommand.decode(java.util.Arrays.copyOf(valid, length))).isNull();
    }
    byte[] longer = java.util.Arrays.copyOf(valid, valid.length + 1);
    assertThat(KvCommand.decode(longer)).isNull();
    byte[] badOp = valid.clone();
    badOp[1] = 3;
    assertThat(KvCommand.decode(badOp)).isNull();
    badOp[1] = -1;
    assertThat(KvCommand.decode(badOp)).isNull();
    assertThat(new KvStore().apply(new byte[] {1, 2, 3})).isEmpty();
  }
}
