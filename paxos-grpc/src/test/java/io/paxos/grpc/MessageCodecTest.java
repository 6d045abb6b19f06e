package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.protocol.BatchCodec;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.grpc.proto.Accept;
import io.paxos.grpc.proto.AcceptedEntry;
import io.paxos.grpc.proto.Ballot;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.ForwardRejected;
import io.paxos.grpc.proto.PeerFrame;
import io.paxos.grpc.proto.Prepare;
import io.paxos.grpc.proto.Promise;
import io.paxos.grpc.proto.Value;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class MessageCodecTest {

  static List<PeerMessage> samples() {
    return MessageSamples.all(2);
  }

  @ParameterizedTest
  @MethodSource("samples")
  @DisplayName("decode(encode(m)) equals m, also through bytes on the wire")
  void roundTrip(PeerMessage message) throws InvalidProtocolBufferException {
    Envelope envelope = MessageCodec.encode(message);
    Envelope parsed = Envelope.parseFrom(envelope.toByteArray());

    assertThat(MessageCodec.decode(parsed, message.from()))
        .usingRecursiveComparison()
        .isEqualTo(message);
  }

  @Test
  @DisplayName(
      "the samples cover every message type of the core, of both kinds, so none lacks a wire form")
  void everyMessageTypeIsCovered() {
    List<String> types =
        Stream.of(Message.class, HostMessage.class)
            .flatMap(kind -> Arrays.stream(kind.getPermittedSubclasses()))
            .map(Class::getSimpleName)
            .sorted()
            .toList();
    List<String> sampled =
        samples().stream()
            .map(m -> m.getClass().getSimpleName())
            .distinct()
            .sorted()
            .collect(Collectors.toList());

    assertThat(sampled).isEqualTo(types);
    assertThat(Envelope.BodyCase.values()).hasSize(types.size() + 1); // + BODY_NOT_SET
  }

  @Test
  @DisplayName(
      "a message of a type added to the schema after this build is recognised, to be skipped;"
          + " an envelope with nothing in it is not")
  void newerMessagesAreRecognised() throws Exception {
    // Field 99 of the envelope: a message type this build does not know (wire type 2, 1 byte).
    Envelope newer = Envelope.parseFrom(new byte[] {(byte) 0x9a, 0x06, 0x01, 0x08});
    assertThat(MessageCodec.isNewerMessage(newer)).isTrue();
    assertThat(MessageCodec.isNewerMessage(Envelope.getDefaultInstance())).isFalse();
    assertThat(MessageCodec.isNewerMessage(MessageCodec.encode(new Message.SnapshotDurable(1, 5))))
        .isFalse();
  }

  @Test
  @DisplayName(
      "a PriorityClaim without a ballot is refused by the codec; one whose chosen_below does not"
          + " fit a slot (2^64-1 reads as -1, 2^63 as negative) is refused by the bounds")
  void priorityClaimBounds() {
    Envelope noBallot =
        Envelope.newBuilder()
            .setPriorityClaim(io.paxos.grpc.proto.PriorityClaim.newBuilder().setChosenBelow(3))
            .build();
    assertThatThrownBy(() -> MessageCodec.decode(noBallot, 2))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("ballot is missing");
    Ballot ballot = Ballot.newBuilder().setRound(4).setNodeId(1).build();
    for (long wire : new long[] {-1L, Long.MIN_VALUE, (1L << 62) + 1}) {
      Envelope e =
          Envelope.newBuilder()
              .setPriorityClaim(
                  io.paxos.grpc.proto.PriorityClaim.newBuilder()
                      .setBallot(ballot)
                      .setChosenBelow(wire))
              .build();
      PeerMessage m = MessageCodec.decode(e, 2);
      assertThat(PeerMessageBounds.malformed(m)).as("wire %d", wire).isPresent();
    }
    Envelope ok =
        Envelope.newBuilder()
            .setPriorityClaim(
                io.paxos.grpc.proto.PriorityClaim.newBuilder()
                    .setBallot(ballot)
                    .setChosenBelow(1L << 62))
            .build();
    assertThat(PeerMessageBounds.malformed(MessageCodec.decode(ok, 2))).isEmpty();
  }

  @Test
  @DisplayName("the sender comes from the stream, not from the bytes")
  void senderIsTheStreamsPeer() {
    Envelope envelope =
        MessageCodec.encode(new Message.Commit(1, new io.paxos.core.protocol.Ballot(2, 1), 3));

    assertThat(MessageCodec.decode(envelope, 3).from()).isEqualTo(3);
  }

  @Test
  @DisplayName(
      "a ballot's membership epoch crosses the wire; an epoch of 2^31 or more (a negative int) is"
          + " refused as invalid, never thrown as anything else")
  void epochsCrossTheWireAndNegativeOnesAreRefused() throws InvalidProtocolBufferException {
    io.paxos.core.protocol.Ballot ballot = new io.paxos.core.protocol.Ballot(3, 9, 1);
    Message.Prepare prepare = new Message.Prepare(1, ballot, 4);
    Envelope wire = Envelope.parseFrom(MessageCodec.encode(prepare).toByteArray());
    assertThat(MessageCodec.decode(wire, 1)).isEqualTo(prepare);
    assertThat(wire.getPrepare().getBallot().getEpoch()).isEqualTo(3);
    // Epoch 0 is the proto default: such ballots encode exactly as before epochs existed.
    Envelope epoch0 =
        MessageCodec.encode(new Message.Prepare(1, new io.paxos.core.protocol.Ballot(9, 1), 4));
    assertThat(epoch0.getPrepare().getBallot().getAllFields()).hasSize(2);

    for (int epoch : new int[] {-1, Integer.MIN_VALUE}) {
      Envelope hostile =
          Envelope.newBuilder()
              .setPrepare(
                  Prepare.newBuilder()
                      .setBallot(Ballot.newBuilder().setRound(1).setNodeId(1).setEpoch(epoch))
                      .setFromSlot(1))
              .build();
      assertThatThrownBy(() -> MessageCodec.decode(hostile, 1))
          .isInstanceOf(WireFormatException.class)
          .hasMessageContaining("negative");
    }
  }

  private static final List<io.paxos.core.protocol.Command> COMMANDS =
      List.of(
          new io.paxos.core.protocol.Command(1, 0xC1L, 7, 5, new byte[] {1, 2, 3}),
          new io.paxos.core.protocol.Command(2, -1L, Long.MAX_VALUE, new byte[0]));

  @Test
  @DisplayName(
      "a batch crosses the wire as the very bytes it holds, and keeps the bytes it came in")
  void aBatchTravelsInItsOneForm() throws InvalidProtocolBufferException {
    io.paxos.core.protocol.Value.Batch batch = new io.paxos.core.protocol.Value.Batch(COMMANDS);
    byte[] form = BatchCodec.bytes(batch);
    Message.Accept accept =
        new Message.Accept(1, new io.paxos.core.protocol.Ballot(3, 1), 10, List.of(batch), 9);

    Envelope envelope = MessageCodec.encode(accept);
    Value sent = envelope.getAccept().getValues(0);
    assertThat(sent.getCommandsCount()).as("the separate commands are not sent").isZero();
    assertThat(sent.getBatch().toByteArray()).isEqualTo(form);

    Message.Accept received =
        (Message.Accept) MessageCodec.decode(Envelope.parseFrom(envelope.toByteArray()), 1);
    assertThat(received).isEqualTo(accept);
    io.paxos.core.protocol.Value.Batch back =
        (io.paxos.core.protocol.Value.Batch) received.values().get(0);
    // Sent on (to the log, or in a Promise) without encoding it again: the same bytes.
    assertThat(MessageCodec.encode(received).getAccept().getValues(0).getBatch().toByteArray())
        .isEqualTo(form);
    assertThat(BatchCodec.bytes(back)).isSameAs(BatchCodec.bytes(back)).isEqualTo(form);
  }

  @Test
  @DisplayName("a batch of separate commands, as earlier builds send it, still decodes")
  void theOldCommandsFieldStillDecodes() {
    Value old = Value.newBuilder().addAllCommands(MessageCodec.commands(COMMANDS)).build();
    Envelope e =
        Envelope.newBuilder()
            .setAccept(
                Accept.newBuilder()
                    .setBallot(Ballot.newBuilder().setRound(3).setNodeId(1))
                    .setFirstSlot(10)
                    .addValues(old))
            .build();
    Message.Accept accept = (Message.Accept) MessageCodec.decode(e, 1);
    assertThat(accept.values().get(0).commands()).containsExactlyElementsOf(COMMANDS);
  }

  @Test
  @DisplayName("a value with more than one form, or a batch whose bytes are malformed, is refused")
  void aValueOfTwoFormsOrABadBatchIsRefused() {
    ByteString form =
        ByteString.copyFrom(BatchCodec.bytes(new io.paxos.core.protocol.Value.Batch(COMMANDS)));
    ByteString membership =
        ByteString.copyFrom(
            MembershipCodec.encode(
                new io.paxos.core.protocol.Value.Reconfigure(
                    1,
                    io.paxos.core.config.ClusterConfig.withMajorities(
                        "c", List.of(io.paxos.core.config.Member.allRoles(1))))));
    List<Value> invalid =
        List.of(
            Value.newBuilder()
                .setBatch(form)
                .addCommands(MessageCodec.command(COMMANDS.get(0)))
                .build(),
            Value.newBuilder().setBatch(form).setMembership(membership).build(),
            Value.newBuilder().setBatch(form.substring(0, form.size() - 1)).build(),
            Value.newBuilder().setBatch(form.concat(ByteString.copyFrom(new byte[1]))).build(),
            Value.newBuilder().setBatch(ByteString.copyFrom(new byte[] {1, 0})).build(),
            Value.newBuilder().setBatch(ByteString.copyFrom(new byte[] {2, 1})).build());
    for (Value v : invalid) {
      Envelope e =
          Envelope.newBuilder()
              .setAccept(
                  Accept.newBuilder()
                      .setBallot(Ballot.newBuilder().setRound(3).setNodeId(1))
                      .addValues(v))
              .build();
      assertThatThrownBy(() -> MessageCodec.decode(e, 1))
          .as("%s", v)
          .isInstanceOf(WireFormatException.class);
    }
  }

  @Test
  @DisplayName(
      "an envelope without a message, a missing ballot or value, or an unknown enum is refused")
  void invalidEnvelopesAreRefused() {
    Ballot negative = Ballot.newBuilder().setRound(-5).setNodeId(1).build();
    List<Envelope> invalid =
        List.of(
            Envelope.getDefaultInstance(),
            Envelope.newBuilder().setPrepare(Prepare.newBuilder().setFromSlot(1)).build(),
            Envelope.newBuilder().setPrepare(Prepare.newBuilder().setBallot(negative)).build(),
            Envelope.newBuilder()
                .setPromise(
                    Promise.newBuilder()
                        .setBallot(Ballot.newBuilder().setRound(1))
                        .addAccepted(
                            AcceptedEntry.newBuilder()
                                .setSlot(1)
                                .setValue(Value.getDefaultInstance())))
                .build(),
            Envelope.newBuilder()
                .setAccept(Accept.newBuilder().setBallot(Ballot.newBuilder().setRound(1)))
                .setForwardRejected(ForwardRejected.newBuilder().setReasonValue(99))
                .build());

    for (Envelope e : invalid) {
      assertThatThrownBy(() -> MessageCodec.decode(e, 1))
          .as("%s", e)
          .isInstanceOf(WireFormatException.class);
    }
  }

  @Test
  @DisplayName(
      "random and mutated bytes either decode or are refused as invalid; nothing else is thrown")
  void randomBytesNeverCrashTheDecoder() {
    SplittableRandom random = new SplittableRandom(20_251_123L);
    byte[] valid = frameOfAllSamples().toByteArray();
    int decoded = 0;
    int refused = 0;
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = i % 2 == 0 ? randomBytes(random) : mutate(valid, random);
      try {
        PeerFrame frame = PeerFrame.parseFrom(bytes);
        for (Envelope e : frame.getMessagesList()) {
          MessageCodec.decode(e, 1);
        }
        decoded++;
      } catch (InvalidProtocolBufferException | WireFormatException e) {
        refused++;
      }
    }
    assertThat(decoded + refused).isEqualTo(5_000);
    assertThat(refused).as("some inputs are refused").isPositive();
  }

  private static PeerFrame frameOfAllSamples() {
    PeerFrame.Builder frame = PeerFrame.newBuilder();
    for (PeerMessage m : samples()) {
      frame.addMessages(MessageCodec.encode(m));
    }
    return frame.build();
  }

  private static byte[] randomBytes(SplittableRandom random) {
    byte[] bytes = new byte[random.nextInt(1, 200)];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  private static byte[] mutate(byte[] valid, SplittableRandom random) {
    byte[] bytes = Arrays.copyOf(valid, random.nextInt(1, valid.length + 1));
    for (int flips = random.nextInt(1, 8); flips > 0; flips--) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return bytes;
  }
}
