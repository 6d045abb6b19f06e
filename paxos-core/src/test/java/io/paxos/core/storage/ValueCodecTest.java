package io.paxos.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.BatchCodec;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Value;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ValueCodecTest {

  private static Value roundTrip(Value value) {
    int size = ValueCodec.size(value);
    ByteBuffer buffer = ByteBuffer.allocateDirect(size + 3).order(ByteOrder.LITTLE_ENDIAN);
    buffer.put((byte) 7); // the codec works at any position
    ValueCodec.write(value, buffer);
    assertThat(buffer.position()).as("size() is exact").isEqualTo(size + 1);
    buffer.flip().position(1);
    Value back = ValueCodec.read(buffer);
    assertThat(buffer.position()).as("read consumes exactly the value").isEqualTo(size + 1);
    return back;
  }

  @Test
  void noOpTakesOneByte() {
    assertThat(ValueCodec.size(Value.NOOP)).isEqualTo(1);
    assertThat(roundTrip(Value.NOOP)).isSameAs(Value.NOOP);
  }

  @Test
  void extremeFieldsRoundTrip() {
    List<Command> commands =
        List.of(
            new Command(0, 0, 0, new byte[0]),
            new Command(-1, Long.MIN_VALUE, Long.MAX_VALUE, new byte[] {1}),
            new Command(Integer.MAX_VALUE, -1, Long.MIN_VALUE, new byte[300]),
            new Command(Integer.MIN_VALUE, Long.MAX_VALUE, -1, new byte[] {-1, 0, 127}));
    Value batch = new Value.Batch(commands);
    assertThat(roundTrip(batch)).isEqualTo(batch);
  }

  @Test
  void aMembershipChangeRoundTripsInTheMembershipCodecsBytes() {
    Value change =
        new Value.Reconfigure(
            Ballot.MAX_EPOCH,
            ClusterConfig.withMajorities(
                "prod-eu",
                List.of(Member.allRoles(1), Member.allRoles(Member.MAX_ID).withPriority(1000))));
    assertThat(roundTrip(change)).isEqualTo(change);
    int length = MembershipCodec.encode((Value.Reconfigure) change).length;
    assertThat(ValueCodec.size(change)).isEqualTo(1 + 1 + length);
  }

  @Test
  void aSmallCommandIsCompact() {
    Value batch = new Value.Batch(List.of(new Command(3, 0x1234_5678_9ABC_DEFL, 42, new byte[8])));
    // tag, length, then the batch: version, count, origin, clientId, sequence, acknowledgedBelow,
    // length, payload
    assertThat(ValueCodec.size(batch)).isEqualTo(1 + 1 + 1 + 1 + 1 + 8 + 1 + 1 + 1 + 8);
  }

  @Test
  void aBatchIsWrittenAsTheBytesItHolds() {
    Value.Batch batch =
        new Value.Batch(
            List.of(new Command(3, 7, 42, new byte[] {1, 2}), new Command(4, 8, 1, new byte[0])));
    byte[] form = BatchCodec.bytes(batch);
    ByteBuffer out = ByteBuffer.allocate(ValueCodec.size(batch));
    ValueCodec.write(batch, out);

    assertThat(out.array()[0]).isEqualTo(ValueCodec.PACKED_BATCH);
    assertThat(out.array()[1]).isEqualTo((byte) form.length);
    assertThat(Arrays.copyOfRange(out.array(), 2, out.array().length)).isEqualTo(form);
    Value.Batch back = (Value.Batch) ValueCodec.read(ByteBuffer.wrap(out.array()));
    assertThat(back).isEqualTo(batch);
    assertThat(BatchCodec.bytes(back)).as("read back: the same form").isEqualTo(form);
  }

  /** A batch in the form written before {@link BatchCodec}: tag 1, as existing logs hold it. */
  static byte[] legacyBatch(List<Command> commands, ByteOrder order) {
    ByteBuffer b = ByteBuffer.allocate(1 << 16).order(order);
    b.put(ValueCodec.BATCH);
    ValueCodec.putVarint(b, commands.size());
    for (Command c : commands) {
      ValueCodec.putVarint(b, c.origin() & 0xFFFF_FFFFL);
      b.putLong(c.clientId());
      ValueCodec.putVarint(b, c.sequence());
      ValueCodec.putVarint(b, c.acknowledgedBelow());
      ValueCodec.putVarint(b, c.payload().length);
      b.put(c.payload());
    }
    return Arrays.copyOf(b.array(), b.position());
  }

  @Test
  void aBatchOfAnExistingLogStillReads() {
    List<Command> commands =
        List.of(
            new Command(Integer.MIN_VALUE, Long.MIN_VALUE, Long.MAX_VALUE, -1L, new byte[] {9}),
            new Command(2, 0x5E55L, 900, 850, new byte[300]),
            new Command(0, -1, 0, new byte[0]));
    for (ByteOrder order : List.of(ByteOrder.BIG_ENDIAN, ByteOrder.LITTLE_ENDIAN)) {
      byte[] old = legacyBatch(commands, order);
      ByteBuffer in = ByteBuffer.wrap(old).order(order);
      Value back = ValueCodec.read(in);
      assertThat(in.remaining()).isZero();
      assertThat(back).isEqualTo(new Value.Batch(commands));
      // Written again (compaction copies what it keeps), it takes the one form.
      assertThat(roundTrip(back)).isEqualTo(back);
      ByteBuffer again = ByteBuffer.allocate(ValueCodec.size(back));
      ValueCodec.write(back, again);
      assertThat(again.array()[0]).isEqualTo(ValueCodec.PACKED_BATCH);
    }
  }

  @Test
  void hostileBatchLengthsAreRefused() {
    byte[] form = BatchCodec.bytes(new Value.Batch(List.of(new Command(1, 2, 3, new byte[4]))));
    // The length of the batch's bytes: -1, 0, 2^31 - 1, 2^63 - 1, one less than the bytes that
    // follow (a batch cut short) and one more (past the end).
    long[] lengths = {-1, 0, Integer.MAX_VALUE, Long.MAX_VALUE, form.length - 1, form.length + 1};
    for (long length : lengths) {
      ByteBuffer b = ByteBuffer.allocate(32 + form.length);
      b.put(ValueCodec.PACKED_BATCH);
      ValueCodec.putVarint(b, length);
      b.put(form);
      b.flip();
      assertThatThrownBy(() -> ValueCodec.read(b))
          .as("length %d", length)
          .isInstanceOf(IllegalArgumentException.class);
    }
    ByteBuffer exact = ByteBuffer.allocate(32 + form.length);
    exact.put(ValueCodec.PACKED_BATCH);
    ValueCodec.putVarint(exact, form.length);
    exact.put(form).flip();
    assertThat(ValueCodec.read(exact).commands()).hasSize(1);
  }

  @Test
  void aSessionCommandKeepsItsAcknowledgementFloor() {
    Command session = new Command(2, 0x5E55L, 900, 850, new byte[] {7});
    Value batch = new Value.Batch(List.of(session, new Command(2, 0x5E55L, 901, new byte[0])));
    Value back = roundTrip(batch);
    assertThat(back).isEqualTo(batch);
    assertThat(back.commands().get(0).inSession()).isTrue();
    assertThat(back.commands().get(0).acknowledgedBelow()).isEqualTo(850);
    assertThat(back.commands().get(1).inSession()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5})
  void randomBatchesRoundTrip(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int round = 0; round < 200; round++) {
      List<Command> commands = new ArrayList<>();
      int count = 1 + random.nextInt(random.nextBoolean() ? 3 : 300);
      for (int i = 0; i < count; i++) {
        byte[] payload = new byte[random.nextInt(random.nextBoolean() ? 16 : 5000)];
        random.nextBytes(payload);
        commands.add(new Command(random.nextInt(), random.nextLong(), random.nextLong(), payload));
      }
      Value batch = new Value.Batch(commands);
      assertThat(roundTrip(batch)).isEqualTo(batch);
    }
  }

  @Test
  void varintsUseSevenBitsPerByte() {
    assertThat(ValueCodec.varintSize(0)).isEqualTo(1);
    assertThat(ValueCodec.varintSize(127)).isEqualTo(1);
    assertThat(ValueCodec.varintSize(128)).isEqualTo(2);
    assertThat(ValueCodec.varintSize(-1)).isEqualTo(10);
    ByteBuffer b = ByteBuffer.allocate(10);
    for (long v : new long[] {0, 1, 127, 128, 16_383, 16_384, Long.MAX_VALUE, -1, Long.MIN_VALUE}) {
      b.clear();
      ValueCodec.putVarint(b, v);
      assertThat(b.position()).isEqualTo(ValueCodec.varintSize(v));
      b.flip();
      assertThat(ValueCodec.getVarint(b)).isEqualTo(v);
    }
  }

  @Test
  void malformedInputIsRefusedWithoutHugeAllocations() {
    Value batch = new Value.Batch(List.of(new Command(1, 2, 3, new byte[] {1, 2, 3, 4})));
    ByteBuffer whole = ByteBuffer.allocate(ValueCodec.size(batch));
    ValueCodec.write(batch, whole);
    byte[] bytes = whole.array();
    for (int cut = 0; cut < bytes.length; cut++) {
      ByteBuffer shorter = ByteBuffer.wrap(bytes, 0, cut);
      assertThatThrownBy(() -> ValueCodec.read(shorter))
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ValueCodec.read(ByteBuffer.wrap(new byte[] {9})))
        .hasMessageContaining("unknown value tag");
    assertThatThrownBy(() -> ValueCodec.read(ByteBuffer.wrap(new byte[] {1, 0})))
        .hasMessageContaining("zero commands");
    assertThatThrownBy(() -> ValueCodec.read(ByteBuffer.wrap(new byte[] {3, 2, 1, 0})))
        .hasMessageContaining("zero commands");
    assertThatThrownBy(() -> ValueCodec.read(ByteBuffer.wrap(new byte[] {3, 2, 9, 1})))
        .hasMessageContaining("version 9");
    byte[] hugeCount = {1, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0x7F};
    assertThatThrownBy(() -> ValueCodec.read(ByteBuffer.wrap(hugeCount)))
        .hasMessageContaining("command count");
  }
}
