package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.paxos.core.host.HostMessage;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.BatchCodec;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBounds;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.grpc.proto.Accept;
import io.paxos.grpc.proto.Accepted;
import io.paxos.grpc.proto.CatchUpRequest;
import io.paxos.grpc.proto.CommandFailed;
import io.paxos.grpc.proto.CommandResult;
import io.paxos.grpc.proto.Commit;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.Heartbeat;
import io.paxos.grpc.proto.Nack;
import io.paxos.grpc.proto.Prepare;
import io.paxos.grpc.proto.SnapshotChunk;
import io.paxos.grpc.proto.SnapshotRequest;
import io.paxos.grpc.proto.Value;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Property-based fuzzing of the wire decoder as a peer stream uses it ({@link PeerInbound}): parse
 * an {@link Envelope}, {@link MessageCodec#decode} it, check {@link PeerMessageBounds#malformed}.
 * For random bytes, mutations of valid messages and protos with extreme numbers, the only outcomes
 * are a parse error, a {@link WireFormatException} (the stream is closed), an out-of-bounds verdict
 * (closed too) or a message within the absolute bounds: never another exception.
 *
 * <p>Tries: {@code jqwik.tries.default} (200 in {@code junit-platform.properties}); raise it for a
 * long run, e.g. {@code -Djqwik.tries.default=100000}.
 */
class MessageCodecFuzzTest {
  private static final List<PeerMessage> SAMPLES = MessageSamples.all(2);

  /** What the inbound path makes of {@code bytes}: a message within bounds, or empty. */
  private static Optional<PeerMessage> inbound(byte[] bytes) {
    Envelope envelope;
    try {
      envelope = Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
    return inbound(envelope);
  }

  private static Optional<PeerMessage> inbound(Envelope envelope) {
    if (MessageCodec.isNewerMessage(envelope)) {
      return Optional.empty();
    }
    PeerMessage m;
    try {
      m = MessageCodec.decode(envelope, 2);
    } catch (WireFormatException e) {
      return Optional.empty();
    }
    return PeerMessageBounds.malformed(m).isPresent() ? Optional.empty() : Optional.of(m);
  }

  @Property
  void randomBytes(@ForAll @Size(max = 300) byte[] bytes) {
    inbound(bytes).ifPresent(MessageCodecFuzzTest::assertWithinAbsoluteBounds);
  }

  @Property
  void mutatedValidMessages(
      @ForAll @IntRange(min = 0, max = 1000) int sample,
      @ForAll("mutations") List<Tuple.Tuple2<Integer, Byte>> mutations,
      @ForAll @IntRange(min = 0, max = 8) int cut) {
    byte[] bytes = MessageCodec.encode(SAMPLES.get(sample % SAMPLES.size())).toByteArray();
    for (Tuple.Tuple2<Integer, Byte> m : mutations) {
      if (bytes.length > 0) {
        bytes[Math.floorMod(m.get1(), bytes.length)] = m.get2();
      }
    }
    bytes = java.util.Arrays.copyOf(bytes, Math.max(0, bytes.length - cut));
    inbound(bytes).ifPresent(MessageCodecFuzzTest::assertWithinAbsoluteBounds);
  }

  @Provide
  Arbitrary<List<Tuple.Tuple2<Integer, Byte>>> mutations() {
    return Arbitraries.integers()
        .between(0, 10_000)
        .flatMap(i -> Arbitraries.bytes().map(b -> Tuple.of(i, b)))
        .list()
        .ofMaxSize(6);
  }

  /** Numbers at the edges of every wire type: as uint64 they include 2^64-1 (read as -1). */
  @Provide
  Arbitrary<Long> extremes() {
    return Arbitraries.oneOf(
        Arbitraries.of(
            0L,
            1L,
            -1L,
            Ballot.MAX_ROUND,
            Ballot.MAX_ROUND + 1,
            MessageBounds.MAX_SLOT,
            MessageBounds.MAX_SLOT + 1,
            1L << 40,
            (long) Integer.MAX_VALUE,
            Integer.MAX_VALUE + 1L,
            0xFFFF_FFFFL,
            Long.MAX_VALUE,
            Long.MIN_VALUE),
        Arbitraries.longs());
  }

  @Property
  void extremeNumbersInEveryField(
      @ForAll("extremes") long a,
      @ForAll("extremes") long b,
      @ForAll("extremes") long c,
      @ForAll("extremes") long d,
      @ForAll @IntRange(min = 0, max = 10) int kind) {
    io.paxos.grpc.proto.Ballot ballot =
        io.paxos.grpc.proto.Ballot.newBuilder().setRound(a).setNodeId((int) b).build();
    Envelope.Builder e = Envelope.newBuilder();
    switch (kind) {
      case 0 -> e.setPrepare(Prepare.newBuilder().setBallot(ballot).setFromSlot(c));
      case 1 ->
          e.setAccept(
              Accept.newBuilder()
                  .setBallot(ballot)
                  .setFirstSlot(c)
                  .setCommitSlot(d)
                  .addValues(Value.getDefaultInstance()));
      case 2 ->
          e.setAccepted(Accepted.newBuilder().setBallot(ballot).setFirstSlot(c).setCount((int) d));
      case 3 -> e.setNack(Nack.newBuilder().setRejected(ballot).setPromised(ballot));
      case 4 -> e.setCommit(Commit.newBuilder().setBallot(ballot).setCommitSlot(c));
      case 5 ->
          e.setHeartbeat(Heartbeat.newBuilder().setBallot(ballot).setCommitSlot(c).setSequence(d));
      case 6 ->
          e.setCatchUpRequest(CatchUpRequest.newBuilder().setFromSlot(c).setMaxSlots((int) d));
      case 8 -> e.setSnapshotRequest(SnapshotRequest.newBuilder().setSlot(c).setOffset(d));
      case 9 -> e.setCommandResult(CommandResult.newBuilder().setSlot(c).setSequence(d));
      case 10 ->
          e.setCommandFailed(
              CommandFailed.newBuilder()
                  .setSlot(c)
                  .setSequence(d)
                  .setExceptionClass("x".repeat((int) Math.floorMod(b, 1002)))
                  .setExceptionMessage("y".repeat((int) Math.floorMod(a, 1002))));
      default ->
          e.setSnapshotChunk(
              SnapshotChunk.newBuilder()
                  .setSlot(a)
                  .setOffset(c)
                  .setTotalBytes(d)
                  .setData(ByteString.copyFrom(new byte[(int) Math.floorMod(b, 16)])));
    }
    Optional<PeerMessage> m = inbound(e.build());
    m.ifPresent(MessageCodecFuzzTest::assertWithinAbsoluteBounds);
    boolean roundOutOfBounds = a < 0 || a > Ballot.MAX_ROUND;
    if (kind <= 5 && roundOutOfBounds) {
      assertThat(m).as("a ballot of round %d passes", a).isEmpty();
    }
    // The host's messages are checked on the same path: a slot out of bounds never passes.
    boolean slotOutOfBounds =
        (kind == 7 ? a : c) < 0 || (kind == 7 ? a : c) > MessageBounds.MAX_SLOT;
    if (kind >= 7 && slotOutOfBounds) {
      assertThat(m).as("a host message of slot %d passes", kind == 7 ? a : c).isEmpty();
    }
    // A failure's class name is never empty, nor either string beyond its limit.
    if (kind == 10
        && (Math.floorMod(b, 1002) == 0
            || Math.floorMod(b, 1002) > PeerMessageBounds.MAX_FAILURE_CHARS
            || Math.floorMod(a, 1002) > PeerMessageBounds.MAX_FAILURE_CHARS)) {
      assertThat(m).as("a failure of %d and %d characters passes", b, a).isEmpty();
    }
  }

  /** A batch's form whose count or first payload length is {@code n}, then {@code tail} bytes. */
  private static byte[] batchClaiming(boolean count, long n, int tail) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(BatchCodec.VERSION);
    varint(out, count ? n : 1);
    varint(out, 1); // origin
    out.writeBytes(new byte[8]); // client id
    varint(out, 1); // sequence
    varint(out, 0); // acknowledgedBelow
    varint(out, count ? 0 : n); // payload length
    out.writeBytes(new byte[tail]);
    return out.toByteArray();
  }

  private static void varint(java.io.ByteArrayOutputStream out, long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /**
   * An {@code Accept} whose batch claims a count or a payload length at the edges (-1, 0, 2^31-1,
   * the bytes that follow and one more, ...) over {@code tail} bytes, or is a valid batch's form
   * cut and mutated: the batch is refused as a whole (the stream closed) or every command of it
   * reads, with no more payload than the frame held.
   */
  @Property
  void hostileBatchBytes(
      @ForAll("extremes") long claim,
      @ForAll boolean count,
      @ForAll @IntRange(min = 0, max = 40) int tail,
      @ForAll("mutations") List<Tuple.Tuple2<Integer, Byte>> mutations,
      @ForAll @IntRange(min = 0, max = 3) int shape) {
    byte[] form;
    if (shape == 0) {
      form = batchClaiming(count, claim, tail);
    } else if (shape == 1) {
      form = batchClaiming(count, tail, tail); // exactly the limit: a valid batch when a length
    } else if (shape == 2) {
      form = batchClaiming(count, tail + 1L, tail); // one past the limit
    } else {
      form =
          BatchCodec.bytes(
              (io.paxos.core.protocol.Value.Batch)
                  ((Message.Accept)
                          SAMPLES.stream()
                              .filter(Message.Accept.class::isInstance)
                              .filter(
                                  a ->
                                      !((Message.Accept) a).values().isEmpty()
                                          && ((Message.Accept) a).values().get(0)
                                              instanceof io.paxos.core.protocol.Value.Batch)
                              .findFirst()
                              .orElseThrow())
                      .values()
                      .get(0));
      form = java.util.Arrays.copyOf(form, Math.max(0, form.length - tail % 4));
      for (Tuple.Tuple2<Integer, Byte> m : mutations) {
        if (form.length > 0) {
          form[Math.floorMod(m.get1(), form.length)] = m.get2();
        }
      }
    }
    Envelope e =
        Envelope.newBuilder()
            .setAccept(
                Accept.newBuilder()
                    .setBallot(io.paxos.grpc.proto.Ballot.newBuilder().setRound(1).setNodeId(2))
                    .setFirstSlot(1)
                    .addValues(Value.newBuilder().setBatch(ByteString.copyFrom(form))))
            .build();
    Optional<PeerMessage> m = inbound(e);
    m.ifPresent(MessageCodecFuzzTest::assertWithinAbsoluteBounds);
    if (m.isPresent()) {
      io.paxos.core.protocol.Value v = ((Message.Accept) m.get()).values().get(0);
      long payload = 0;
      for (io.paxos.core.protocol.Command c : v.commands()) {
        payload += c.payload().length;
      }
      assertThat(payload).isEqualTo(v.byteSize()).isLessThanOrEqualTo(form.length);
    }
    if (shape == 2 && !count) {
      assertThat(m).as("a length one past the bytes that remain passes").isEmpty();
    }
    if (shape == 1 && !count) {
      assertThat(m).as("a payload length of exactly the bytes that remain").isPresent();
    }
  }

  /** What a message that passed the inbound path may hold, whatever bytes it came from. */
  private static void assertWithinAbsoluteBounds(PeerMessage m) {
    assertThat(PeerMessageBounds.malformed(m)).isEmpty();
    assertThat(m.from()).isEqualTo(2);
    if (m instanceof Message.Heartbeat h) {
      assertThat(h.ballot().round()).isBetween(1L, Ballot.MAX_ROUND);
      assertThat(h.commitSlot()).isBetween(0L, MessageBounds.MAX_SLOT);
    } else if (m instanceof Message.Accept a) {
      assertThat(a.endSlot()).isBetween(0L, MessageBounds.MAX_SLOT);
    } else if (m instanceof Message.Nack n) {
      assertThat(n.promised().round()).isLessThanOrEqualTo(Ballot.MAX_ROUND);
    } else if (m instanceof HostMessage.SnapshotChunk s) {
      assertThat(s.slot()).isBetween(0L, MessageBounds.MAX_SLOT);
      assertThat(s.offset()).isBetween(0L, s.totalBytes() - s.data().length);
    } else if (m instanceof HostMessage.SnapshotRequest r) {
      assertThat(r.slot()).isBetween(0L, MessageBounds.MAX_SLOT);
      assertThat(r.offset()).isNotNegative();
    } else if (m instanceof HostMessage.CommandResult r) {
      assertThat(r.slot()).isBetween(0L, MessageBounds.MAX_SLOT);
    } else if (m instanceof HostMessage.CommandFailed f) {
      assertThat(f.slot()).isBetween(0L, MessageBounds.MAX_SLOT);
      assertThat(f.exceptionClass()).isNotEmpty().hasSizeLessThanOrEqualTo(1000);
      assertThat(f.exceptionMessage()).isNotNull().hasSizeLessThanOrEqualTo(1000);
    }
  }
}
