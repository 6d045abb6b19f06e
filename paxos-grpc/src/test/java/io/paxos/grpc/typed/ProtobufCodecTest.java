package io.paxos.grpc.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.StringValue;
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.CodecException;
import io.paxos.grpc.proto.Ballot;
import io.paxos.grpc.proto.Command;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Protobuf messages as a codec: round trips, the bound and one byte past it, malformed bytes. */
class ProtobufCodecTest {
  private static final ProtobufCodec<Command> COMMANDS =
      ProtobufCodec.of(Command.getDefaultInstance());

  @Test
  void messagesRoundTrip() {
    Command command =
        Command.newBuilder()
            .setOrigin(3)
            .setClientId(-1L)
            .setSequence(Long.MAX_VALUE)
            .setPayload(ByteString.copyFromUtf8("payload"))
            .build();
    assertThat(COMMANDS.decode(COMMANDS.encode(command))).isEqualTo(command);
    Ballot ballot =
        Ballot.newBuilder().setRound(Long.MAX_VALUE).setNodeId(Integer.MAX_VALUE).build();
    Codec<Ballot> ballots = ProtobufCodec.of(Ballot.getDefaultInstance());
    assertThat(ballots.decode(ballots.encode(ballot))).isEqualTo(ballot);
  }

  @Test
  void theEmptyMessageIsZeroBytesAndBack() {
    assertThat(COMMANDS.encode(Command.getDefaultInstance())).isEmpty();
    assertThat(COMMANDS.decode(new byte[0])).isEqualTo(Command.getDefaultInstance());
  }

  @Test
  void theBoundTakesExactlyItsSizeAndRefusesOneByteMore() {
    StringValue atBound = StringValue.of("x".repeat(14)); // tag, length, 14 bytes: 16 in all
    ProtobufCodec<StringValue> codec = ProtobufCodec.of(StringValue.getDefaultInstance(), 16);
    assertThat(codec.maxBytes()).isEqualTo(16);
    assertThat(codec.encode(atBound)).hasSize(16);
    assertThat(codec.decode(codec.encode(atBound))).isEqualTo(atBound);
    StringValue above = StringValue.of("x".repeat(15));
    assertThatThrownBy(() -> codec.encode(above))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(CodecException.class)
        .hasMessage(
            "protobuf codec (com.google.protobuf.StringValue): the message is 17 bytes, above the"
                + " bound of 16 bytes");
    byte[] seventeen = ProtobufCodec.of(StringValue.getDefaultInstance()).encode(above);
    assertThatThrownBy(() -> codec.decode(seventeen))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "protobuf codec (com.google.protobuf.StringValue): 17 bytes exceed the bound of 16"
                + " bytes");
  }

  @Test
  void aBoundOfZeroTakesOnlyTheDefaultInstance() {
    ProtobufCodec<Ballot> codec = ProtobufCodec.of(Ballot.getDefaultInstance(), 0);
    assertThat(codec.decode(codec.encode(Ballot.getDefaultInstance())))
        .isEqualTo(Ballot.getDefaultInstance());
    assertThatThrownBy(() -> codec.encode(Ballot.newBuilder().setRound(1).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProtobufCodec.of(Ballot.getDefaultInstance(), -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("maxBytes must not be negative, was -1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "08", // a varint field with no varint
        "08ffffffffffffffffffff01", // a varint of 11 bytes
        "2a0561", // a payload whose length runs past the end
        "0f", // wire type 7 does not exist
        "0c", // an end-group tag with no group
        "00", // field number 0
      })
  void malformedBytesAreRefused(String hex) {
    byte[] bytes = HexFormat.of().parseHex(hex);
    assertThatThrownBy(() -> COMMANDS.decode(bytes))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("protobuf codec (io.paxos.grpc.proto.Command): not a message");
  }

  @Test
  void randomBytesDecodeOrThrowCodecExceptionOnly() {
    SplittableRandom random = new SplittableRandom(18);
    int refused = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes = new byte[random.nextInt(40)];
      random.nextBytes(bytes);
      try {
        COMMANDS.decode(bytes);
      } catch (CodecException e) {
        refused++;
      }
    }
    assertThat(refused).as("most random byte strings are not a Command").isGreaterThan(10_000);
  }

  @Test
  void nullIsACallerMistake() {
    assertThatThrownBy(() -> COMMANDS.encode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> COMMANDS.decode(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> ProtobufCodec.of(null)).isInstanceOf(NullPointerException.class);
  }
}
