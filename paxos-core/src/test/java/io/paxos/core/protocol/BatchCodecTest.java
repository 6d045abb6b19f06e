package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchCodecTest {

  private static final Command SMALL = new Command(3, 0x0102_0304_0506_0708L, 42, new byte[] {7});

  private static List<Command> randomCommands(SplittableRandom random, int count) {
    List<Command> commands = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      byte[] payload = new byte[random.nextInt(0, random.nextBoolean() ? 16 : 3000)];
      random.nextBytes(payload);
      commands.add(
          new Command(
              random.nextInt(),
              random.nextLong(),
              random.nextLong(),
              random.nextBoolean() ? 0 : random.nextLong(),
              payload));
    }
    return commands;
  }

  /** Unsigned LEB128, written by hand: the format's varints, independent of the codec's. */
  private static void varint(ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  @Test
  void theFormIsTheDocumentedOne() {
    byte[] bytes = BatchCodec.encode(List.of(SMALL, new Command(300, -1, 128, 5, new byte[0])));

    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(BatchCodec.VERSION);
    varint(expected, 2);
    varint(expected, 3);
    expected.writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    varint(expected, 42);
    varint(expected, 0);
    varint(expected, 1);
    expected.write(7);
    varint(expected, 300);
    expected.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
    varint(expected, 128);
    varint(expected, 5);
    varint(expected, 0);
    assertThat(bytes).isEqualTo(expected.toByteArray());
  }

  @Test
  void everyBatchDecodesToItselfFromTheBytesItHolds() {
    SplittableRandom random = new SplittableRandom(5);
    for (int round = 0; round < 300; round++) {
      List<Command> commands = randomCommands(random, random.nextInt(1, 70));
      Value.Batch batch = new Value.Batch(commands);
      byte[] bytes = BatchCodec.bytes(batch);

      Value.Batch back = BatchCodec.decode(bytes);

      assertThat(back).isEqualTo(batch);
      assertThat(back.commands()).containsExactlyElementsOf(commands);
      assertThat(back.byteSize()).isEqualTo(batch.byteSize());
      assertThat(BatchCodec.bytes(back)).as("decoded: holds the very array").isSameAs(bytes);
      assertThat(BatchCodec.bytes(batch)).as("made once").isSameAs(bytes);
      assertThat(bytes.length)
          .isLessThanOrEqualTo(
              6 + batch.byteSize() + commands.size() * BatchCodec.MAX_COMMAND_OVERHEAD);
    }
  }

  @Test
  void extremeFieldsRoundTrip() {
    List<Command> commands =
        List.of(
            new Command(0, 0, 0, 0, new byte[0]),
            new Command(-1, Long.MIN_VALUE, Long.MAX_VALUE, -1L, new byte[] {1}),
            new Command(Integer.MAX_VALUE, -1, Long.MIN_VALUE, Long.MAX_VALUE, new byte[300]),
            new Command(Integer.MIN_VALUE, Long.MAX_VALUE, -1, Long.MIN_VALUE, new byte[] {-1}));
    byte[] bytes = BatchCodec.encode(commands);
    assertThat(BatchCodec.decode(bytes).commands()).containsExactlyElementsOf(commands);
    // The overhead bound is reached by the widest fields.
    byte[] widest = BatchCodec.encode(List.of(new Command(-1, -1, -1, -1, new byte[0])));
    assertThat(widest.length).isEqualTo(1 + 1 + BatchCodec.MAX_COMMAND_OVERHEAD - 4);
    assertThat(BatchCodec.MAX_COMMAND_OVERHEAD).isLessThan(MessageBytes.COMMAND_OVERHEAD);
  }

  @Test
  void anEmptyBatchIsNotOne() {
    assertThatThrownBy(() -> BatchCodec.encode(List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one command");
    assertThatThrownBy(() -> BatchCodec.decode(new byte[0])).hasMessageContaining("no bytes");
    assertThatThrownBy(() -> BatchCodec.decode(new byte[] {BatchCodec.VERSION, 0}))
        .hasMessageContaining("zero commands");
  }

  @Test
  void everyTruncationAndEveryExtraByteIsRefused() {
    byte[] bytes = BatchCodec.encode(randomCommands(new SplittableRandom(3), 5));
    for (int cut = 0; cut < bytes.length; cut++) {
      byte[] shorter = Arrays.copyOf(bytes, cut);
      assertThatThrownBy(() -> BatchCodec.decode(shorter))
          .as("cut at %d", cut)
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
    assertThatThrownBy(() -> BatchCodec.decode(longer))
        .hasMessageContaining("1 bytes after the last command");
  }

  @Test
  void anUnknownVersionIsRefused() {
    byte[] bytes = BatchCodec.encode(List.of(SMALL));
    for (int version : new int[] {0, 2, -1, 127}) {
      bytes[0] = (byte) version;
      assertThatThrownBy(() -> BatchCodec.decode(bytes))
          .hasMessageContaining("unknown batch format version " + version);
    }
  }

  /** One command's form with {@code payloadLength} claimed and {@code actual} payload bytes. */
  private static byte[] withPayloadLength(long count, long payloadLength, int actual) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(BatchCodec.VERSION);
    varint(out, count);
    varint(out, 1);
    out.writeBytes(new byte[8]);
    varint(out, 1);
    varint(out, 0);
    varint(out, payloadLength);
    out.writeBytes(new byte[actual]);
    return out.toByteArray();
  }

  @Test
  void everyLengthIsBoundedByTheBytesThatRemain() {
    // Payload lengths: -1 (ten bytes of varint, over 32 bits), 2^31 - 1, 2^63 - 1, one more than
    // the bytes that remain; the limit itself (exactly what remains) is a batch.
    for (long length : new long[] {-1, Integer.MAX_VALUE, Long.MAX_VALUE, 0xFFFF_FFFFL, 5}) {
      byte[] bytes = withPayloadLength(1, length, 4);
      assertThatThrownBy(() -> BatchCodec.decode(bytes))
          .as("payload length %d", length)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("payload length");
    }
    assertThat(BatchCodec.decode(withPayloadLength(1, 4, 4)).commands().get(0).payload())
        .hasSize(4);
    assertThat(BatchCodec.decode(withPayloadLength(1, 0, 0)).commands().get(0).payload()).isEmpty();
    // Counts: -1, 2^31 - 1, 2^63 - 1, and one more than the bytes could hold.
    for (long count : new long[] {-1, Integer.MAX_VALUE, Long.MAX_VALUE, 2}) {
      byte[] bytes = withPayloadLength(count, 0, 0);
      assertThatThrownBy(() -> BatchCodec.decode(bytes))
          .as("count %d", count)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("command count");
    }
  }

  @Test
  void anOriginAbove32BitsAndAVarintAbove64BitsAreRefused() {
    ByteArrayOutputStream origin = new ByteArrayOutputStream();
    origin.write(BatchCodec.VERSION);
    varint(origin, 1);
    varint(origin, 1L << 32);
    origin.writeBytes(new byte[8 + 3]);
    assertThatThrownBy(() -> BatchCodec.decode(origin.toByteArray()))
        .hasMessageContaining("origin 4294967296");

    ByteArrayOutputStream sequence = new ByteArrayOutputStream();
    sequence.write(BatchCodec.VERSION);
    varint(sequence, 1);
    varint(sequence, 1);
    sequence.writeBytes(new byte[8]);
    sequence.writeBytes(new byte[] {-1, -1, -1, -1, -1, -1, -1, -1, -1, 0x03}); // 65 bits
    sequence.writeBytes(new byte[] {0, 0});
    assertThatThrownBy(() -> BatchCodec.decode(sequence.toByteArray()))
        .hasMessageContaining("sequence is above 64 bits");
  }

  @Test
  void randomBytesAndMutationsAreABatchOrAnIllegalArgument() {
    SplittableRandom random = new SplittableRandom(17);
    byte[] valid = BatchCodec.encode(randomCommands(random, 4));
    for (int round = 0; round < 20_000; round++) {
      byte[] bytes;
      if (random.nextBoolean()) {
        bytes = new byte[random.nextInt(0, 80)];
        random.nextBytes(bytes);
        if (bytes.length > 0 && random.nextBoolean()) {
          bytes[0] = BatchCodec.VERSION;
        }
      } else {
        bytes = valid.clone();
        for (int flips = random.nextInt(1, 4); flips > 0; flips--) {
          bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
        }
      }
      Value.Batch batch;
      try {
        batch = BatchCodec.decode(bytes);
      } catch (IllegalArgumentException refused) {
        continue;
      }
      // Whatever decodes is a batch whose every command reads, and which encodes to itself.
      List<Command> commands = new ArrayList<>(batch.commands());
      assertThat(BatchCodec.encode(commands)).hasSizeLessThanOrEqualTo(bytes.length);
      assertThat(batch.byteSize())
          .isEqualTo(commands.stream().mapToInt(c -> c.payload().length).sum());
    }
  }
}
