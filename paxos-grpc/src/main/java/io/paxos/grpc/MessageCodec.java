package io.paxos.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.paxos.core.Term;
import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.BatchCodec;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.MembershipCodec;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import io.paxos.grpc.proto.Envelope;
import io.paxos.grpc.proto.Rejection;
import java.util.ArrayList;
import java.util.List;

/**
 * The one mapping between the core's messages, of both kinds ({@link Message}s of the protocol and
 * {@link HostMessage}s of the hosts), and the protobuf wire schema ({@code paxos.proto}), where
 * they share one {@code Envelope}: {@link #encode} and {@link #decode} are inverses, {@code
 * decode(encode(m), m.from())} equals {@code m}.
 *
 * <p>The sender's id is not encoded: the handshake of the stream names the sender, and {@link
 * #decode} takes it, so a peer cannot speak for another node.
 *
 * <p>Stateless and thread-safe. Encoding shares a batch's bytes ({@code BatchCodec}'s form, which
 * the batch holds from the proposer on) and the payload arrays of forwarded commands with the
 * protobuf messages instead of copying them: the core never changes either once it is made.
 *
 * <p><b>Internal: not part of the API; may change in any release.</b> Public only because the
 * benchmarks module measures it; applications reach it through {@link GrpcTransport}.
 */
public final class MessageCodec {
  private MessageCodec() {}

  /**
   * {@return whether {@code envelope} carries a message of a type this build does not know: a newer
   * peer added it to the schema (a compatible change), and this node ignores it rather than
   * refusing the stream} An envelope with no message at all is not one: {@link #decode} refuses it.
   *
   * @param envelope a frame received from a peer
   */
  public static boolean isNewerMessage(Envelope envelope) {
    return envelope.getBodyCase() == Envelope.BodyCase.BODY_NOT_SET
        && !envelope.getUnknownFields().asMap().isEmpty();
  }

  /**
   * {@return the protobuf form of {@code message}, without its sender}
   *
   * @param message a message the core sends
   * @throws IllegalArgumentException if the message has no wire form
   */
  public static Envelope encode(PeerMessage message) {
    Envelope.Builder e = Envelope.newBuilder();
    if (message instanceof Message.Prepare m) {
      e.setPrepare(PhaseCodec.prepare(m));
    } else if (message instanceof Message.Promise m) {
      e.setPromise(PhaseCodec.promise(m));
    } else if (message instanceof Message.Accept m) {
      e.setAccept(PhaseCodec.accept(m));
    } else if (message instanceof Message.Accepted m) {
      e.setAccepted(PhaseCodec.accepted(m));
    } else if (message instanceof Message.Nack m) {
      e.setNack(PhaseCodec.nack(m));
    } else if (message instanceof Message.Commit m) {
      e.setCommit(PhaseCodec.commit(m));
    } else if (message instanceof Message.Heartbeat m) {
      e.setHeartbeat(PhaseCodec.heartbeat(m));
    } else if (message instanceof Message.HeartbeatAck m) {
      e.setHeartbeatAck(PhaseCodec.heartbeatAck(m));
    } else if (message instanceof Message.PriorityClaim m) {
      e.setPriorityClaim(PhaseCodec.priorityClaim(m));
    } else if (message instanceof Message.CatchUpRequest m) {
      e.setCatchUpRequest(ServiceCodec.catchUpRequest(m));
    } else if (message instanceof Message.CatchUpReply m) {
      e.setCatchUpReply(ServiceCodec.catchUpReply(m));
    } else if (message instanceof Message.AcceptedQuery m) {
      e.setAcceptedQuery(ServiceCodec.acceptedQuery(m));
    } else if (message instanceof Message.AcceptedReport m) {
      e.setAcceptedReport(ServiceCodec.acceptedReport(m));
    } else if (message instanceof Message.Forward m) {
      e.setForward(ServiceCodec.forward(m));
    } else if (message instanceof Message.ForwardRejected m) {
      e.setForwardRejected(ServiceCodec.forwardRejected(m));
    } else if (message instanceof Message.ReadIndexRequest m) {
      e.setReadIndexRequest(ServiceCodec.readIndexRequest(m));
    } else if (message instanceof Message.ReadIndexReply m) {
      e.setReadIndexReply(ServiceCodec.readIndexReply(m));
    } else if (message instanceof HostMessage.CommandResult m) {
      e.setCommandResult(ServiceCodec.commandResult(m));
    } else if (message instanceof HostMessage.CommandFailed m) {
      e.setCommandFailed(ServiceCodec.commandFailed(m));
    } else if (message instanceof HostMessage.SnapshotRequest m) {
      e.setSnapshotRequest(ServiceCodec.snapshotRequest(m));
    } else if (message instanceof HostMessage.SnapshotChunk m) {
      e.setSnapshotChunk(ServiceCodec.snapshotChunk(m));
    } else if (message instanceof Message.SnapshotDurable m) {
      e.setSnapshotDurable(ServiceCodec.snapshotDurable(m));
    } else {
      throw new IllegalArgumentException("no wire form for " + message.getClass().getName());
    }
    return e.build();
  }

  /**
   * {@return the message that {@code envelope} carries, sent by node {@code from}}
   *
   * @param envelope a frame received from a peer, not yet trusted
   * @param from the sender's id, as the stream's handshake established it
   * @throws WireFormatException if the envelope is not a valid message
   */
  public static PeerMessage decode(Envelope envelope, int from) {
    try {
      return switch (envelope.getBodyCase()) {
        case PREPARE -> PhaseCodec.prepare(envelope.getPrepare(), from);
        case PROMISE -> PhaseCodec.promise(envelope.getPromise(), from);
        case ACCEPT -> PhaseCodec.accept(envelope.getAccept(), from);
        case ACCEPTED -> PhaseCodec.accepted(envelope.getAccepted(), from);
        case NACK -> PhaseCodec.nack(envelope.getNack(), from);
        case COMMIT -> PhaseCodec.commit(envelope.getCommit(), from);
        case HEARTBEAT -> PhaseCodec.heartbeat(envelope.getHeartbeat(), from);
        case HEARTBEAT_ACK -> PhaseCodec.heartbeatAck(envelope.getHeartbeatAck(), from);
        case PRIORITY_CLAIM -> PhaseCodec.priorityClaim(envelope.getPriorityClaim(), from);
        case CATCH_UP_REQUEST -> ServiceCodec.catchUpRequest(envelope.getCatchUpRequest(), from);
        case CATCH_UP_REPLY -> ServiceCodec.catchUpReply(envelope.getCatchUpReply(), from);
        case ACCEPTED_QUERY -> ServiceCodec.acceptedQuery(envelope.getAcceptedQuery(), from);
        case ACCEPTED_REPORT -> ServiceCodec.acceptedReport(envelope.getAcceptedReport(), from);
        case FORWARD -> ServiceCodec.forward(envelope.getForward(), from);
        case FORWARD_REJECTED -> ServiceCodec.forwardRejected(envelope.getForwardRejected(), from);
        case READ_INDEX_REQUEST ->
            ServiceCodec.readIndexRequest(envelope.getReadIndexRequest(), from);
        case READ_INDEX_REPLY -> ServiceCodec.readIndexReply(envelope.getReadIndexReply(), from);
        case COMMAND_RESULT -> ServiceCodec.commandResult(envelope.getCommandResult(), from);
        case COMMAND_FAILED -> ServiceCodec.commandFailed(envelope.getCommandFailed(), from);
        case SNAPSHOT_REQUEST -> ServiceCodec.snapshotRequest(envelope.getSnapshotRequest(), from);
        case SNAPSHOT_CHUNK -> ServiceCodec.snapshotChunk(envelope.getSnapshotChunk(), from);
        case SNAPSHOT_DURABLE -> ServiceCodec.snapshotDurable(envelope.getSnapshotDurable(), from);
        case BODY_NOT_SET -> throw new WireFormatException("envelope carries no message");
      };
    } catch (WireFormatException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new WireFormatException(
          "invalid " + envelope.getBodyCase() + " message: " + e.getMessage(), e);
    }
  }

  // ---- values shared by the messages

  static io.paxos.grpc.proto.Ballot ballot(Ballot b) {
    return io.paxos.grpc.proto.Ballot.newBuilder()
        .setRound(b.round())
        .setNodeId(b.nodeId())
        .setEpoch(b.epoch())
        .build();
  }

  /** A node's reported term, as the status reply carries it: the ballot's wire form. */
  static io.paxos.grpc.proto.Ballot ballot(Term t) {
    return io.paxos.grpc.proto.Ballot.newBuilder()
        .setRound(t.round())
        .setNodeId(t.proposerId())
        .setEpoch(t.epoch())
        .build();
  }

  static Ballot ballot(boolean present, io.paxos.grpc.proto.Ballot b, String field) {
    if (!present) {
      throw new WireFormatException("the " + field + " ballot is missing");
    }
    return new Ballot(b.getEpoch(), b.getRound(), b.getNodeId());
  }

  static io.paxos.grpc.proto.Command command(Command c) {
    return io.paxos.grpc.proto.Command.newBuilder()
        .setOrigin(c.origin())
        .setClientId(c.clientId())
        .setSequence(c.sequence())
        .setAcknowledgedBelow(c.acknowledgedBelow())
        .setPayload(bytes(c.payload()))
        .build();
  }

  static Command command(io.paxos.grpc.proto.Command c) {
    return new Command(
        c.getOrigin(),
        c.getClientId(),
        c.getSequence(),
        c.getAcknowledgedBelow(),
        c.getPayload().toByteArray());
  }

  static List<io.paxos.grpc.proto.Command> commands(List<Command> commands) {
    List<io.paxos.grpc.proto.Command> out = new ArrayList<>(commands.size());
    for (Command c : commands) {
      out.add(command(c));
    }
    return out;
  }

  static List<Command> commandsFrom(List<io.paxos.grpc.proto.Command> commands) {
    List<Command> out = new ArrayList<>(commands.size());
    for (io.paxos.grpc.proto.Command c : commands) {
      out.add(command(c));
    }
    return List.copyOf(out);
  }

  /** A batch goes as the bytes it holds ({@link BatchCodec}), shared, not copied. */
  static io.paxos.grpc.proto.Value value(Value v) {
    io.paxos.grpc.proto.Value.Builder b = io.paxos.grpc.proto.Value.newBuilder();
    if (v instanceof Value.Reconfigure r) {
      return b.setMembership(ByteString.copyFrom(MembershipCodec.encode(r))).build();
    }
    if (v instanceof Value.Batch batch) {
      b.setBatch(bytes(BatchCodec.bytes(batch)));
    }
    return b.build();
  }

  /**
   * A value from the wire: a batch keeps the one copy of its bytes taken from the frame, checked
   * whole by {@link BatchCodec#decode}; the separate commands of older builds are still read.
   */
  static Value value(io.paxos.grpc.proto.Value v) {
    int forms =
        (v.getCommandsCount() > 0 ? 1 : 0)
            + (v.getMembership().isEmpty() ? 0 : 1)
            + (v.getBatch().isEmpty() ? 0 : 1);
    if (forms > 1) {
      throw new WireFormatException(
          "a value carries more than one of commands, a membership and a batch");
    }
    if (!v.getMembership().isEmpty()) {
      return MembershipCodec.decode(v.getMembership().toByteArray());
    }
    if (!v.getBatch().isEmpty()) {
      return BatchCodec.decode(v.getBatch().toByteArray());
    }
    return v.getCommandsCount() == 0
        ? Value.NOOP
        : new Value.Batch(commandsFrom(v.getCommandsList()));
  }

  static List<io.paxos.grpc.proto.Value> values(List<Value> values) {
    List<io.paxos.grpc.proto.Value> out = new ArrayList<>(values.size());
    for (Value v : values) {
      out.add(value(v));
    }
    return out;
  }

  static List<Value> valuesFrom(List<io.paxos.grpc.proto.Value> values) {
    List<Value> out = new ArrayList<>(values.size());
    for (io.paxos.grpc.proto.Value v : values) {
      out.add(value(v));
    }
    return List.copyOf(out);
  }

  static List<io.paxos.grpc.proto.AcceptedEntry> entries(List<AcceptedEntry> entries) {
    List<io.paxos.grpc.proto.AcceptedEntry> out = new ArrayList<>(entries.size());
    for (AcceptedEntry a : entries) {
      out.add(
          io.paxos.grpc.proto.AcceptedEntry.newBuilder()
              .setSlot(a.slot())
              .setBallot(ballot(a.ballot()))
              .setValue(value(a.value()))
              .build());
    }
    return out;
  }

  static List<AcceptedEntry> entriesFrom(List<io.paxos.grpc.proto.AcceptedEntry> entries) {
    List<AcceptedEntry> out = new ArrayList<>(entries.size());
    for (io.paxos.grpc.proto.AcceptedEntry a : entries) {
      if (!a.hasValue()) {
        throw new WireFormatException("accepted entry of slot " + a.getSlot() + " has no value");
      }
      out.add(
          new AcceptedEntry(
              a.getSlot(), ballot(a.hasBallot(), a.getBallot(), "accepted"), value(a.getValue())));
    }
    return List.copyOf(out);
  }

  static Rejection rejection(Outbox.Rejection r) {
    switch (r) {
      case OVERLOADED:
        return Rejection.REJECTION_OVERLOADED;
      case OUTCOME_UNKNOWN:
        return Rejection.REJECTION_OUTCOME_UNKNOWN;
      default:
        return Rejection.REJECTION_NOT_LEADER;
    }
  }

  static Outbox.Rejection rejection(Rejection r) {
    switch (r) {
      case REJECTION_NOT_LEADER:
        return Outbox.Rejection.NOT_LEADER;
      case REJECTION_OVERLOADED:
        return Outbox.Rejection.OVERLOADED;
      case REJECTION_OUTCOME_UNKNOWN:
        return Outbox.Rejection.OUTCOME_UNKNOWN;
      default:
        throw new WireFormatException("unknown rejection reason " + r);
    }
  }

  static ByteString bytes(byte[] array) {
    return UnsafeByteOperations.unsafeWrap(array);
  }
}
