package io.paxos.grpc;

import static io.paxos.grpc.MessageCodec.bytes;

import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.grpc.proto.AcceptedQuery;
import io.paxos.grpc.proto.AcceptedReport;
import io.paxos.grpc.proto.CatchUpReply;
import io.paxos.grpc.proto.CatchUpRequest;
import io.paxos.grpc.proto.CommandFailed;
import io.paxos.grpc.proto.CommandResult;
import io.paxos.grpc.proto.Forward;
import io.paxos.grpc.proto.ForwardRejected;
import io.paxos.grpc.proto.ReadIndexReply;
import io.paxos.grpc.proto.ReadIndexRequest;
import io.paxos.grpc.proto.SnapshotChunk;
import io.paxos.grpc.proto.SnapshotDurable;
import io.paxos.grpc.proto.SnapshotRequest;

/**
 * {@link MessageCodec}'s part for catch-up, forwarding and read indexes, and for the hosts' results
 * and snapshot transfers. Stateless.
 */
final class ServiceCodec {
  private ServiceCodec() {}

  static CatchUpRequest catchUpRequest(Message.CatchUpRequest m) {
    return CatchUpRequest.newBuilder().setFromSlot(m.fromSlot()).setMaxSlots(m.maxSlots()).build();
  }

  static Message.CatchUpRequest catchUpRequest(CatchUpRequest c, int from) {
    return new Message.CatchUpRequest(from, c.getFromSlot(), c.getMaxSlots());
  }

  static CatchUpReply catchUpReply(Message.CatchUpReply m) {
    return CatchUpReply.newBuilder()
        .setFirstSlot(m.firstSlot())
        .addAllValues(MessageCodec.values(m.values()))
        .build();
  }

  static Message.CatchUpReply catchUpReply(CatchUpReply c, int from) {
    return new Message.CatchUpReply(
        from, c.getFirstSlot(), MessageCodec.valuesFrom(c.getValuesList()));
  }

  static AcceptedQuery acceptedQuery(Message.AcceptedQuery m) {
    return AcceptedQuery.newBuilder()
        .setQueryId(m.queryId())
        .setFromSlot(m.fromSlot())
        .setToSlot(m.toSlot())
        .build();
  }

  static Message.AcceptedQuery acceptedQuery(AcceptedQuery q, int from) {
    return new Message.AcceptedQuery(from, q.getQueryId(), q.getFromSlot(), q.getToSlot());
  }

  static AcceptedReport acceptedReport(Message.AcceptedReport m) {
    return AcceptedReport.newBuilder()
        .setQueryId(m.queryId())
        .setFromSlot(m.fromSlot())
        .setToSlot(m.toSlot())
        .addAllAccepted(MessageCodec.entries(m.accepted()))
        .build();
  }

  static Message.AcceptedReport acceptedReport(AcceptedReport r, int from) {
    return new Message.AcceptedReport(
        from,
        r.getQueryId(),
        r.getFromSlot(),
        r.getToSlot(),
        MessageCodec.entriesFrom(r.getAcceptedList()));
  }

  static Forward forward(Message.Forward m) {
    Forward.Builder b = Forward.newBuilder().addAllCommands(MessageCodec.commands(m.commands()));
    if (!m.leaderBallot().equals(Ballot.ZERO)) {
      b.setLeaderBallot(MessageCodec.ballot(m.leaderBallot()));
    }
    return b.build();
  }

  static Message.Forward forward(Forward f, int from) {
    Ballot leader =
        f.hasLeaderBallot()
            ? MessageCodec.ballot(true, f.getLeaderBallot(), "leader")
            : Ballot.ZERO;
    return new Message.Forward(from, leader, MessageCodec.commandsFrom(f.getCommandsList()));
  }

  static ForwardRejected forwardRejected(Message.ForwardRejected m) {
    return ForwardRejected.newBuilder()
        .addAllCommands(MessageCodec.commands(m.commands()))
        .setReason(MessageCodec.rejection(m.reason()))
        .setLeaderHint(m.leaderHint())
        .build();
  }

  static Message.ForwardRejected forwardRejected(ForwardRejected f, int from) {
    return new Message.ForwardRejected(
        from,
        MessageCodec.commandsFrom(f.getCommandsList()),
        MessageCodec.rejection(f.getReason()),
        f.getLeaderHint());
  }

  static ReadIndexRequest readIndexRequest(Message.ReadIndexRequest m) {
    return ReadIndexRequest.newBuilder().setReadId(m.readId()).build();
  }

  static Message.ReadIndexRequest readIndexRequest(ReadIndexRequest r, int from) {
    return new Message.ReadIndexRequest(from, r.getReadId());
  }

  static ReadIndexReply readIndexReply(Message.ReadIndexReply m) {
    return ReadIndexReply.newBuilder()
        .setReadId(m.readId())
        .setOk(m.ok())
        .setReadIndex(m.readIndex())
        .setLeaderHint(m.leaderHint())
        .build();
  }

  static Message.ReadIndexReply readIndexReply(ReadIndexReply r, int from) {
    return new Message.ReadIndexReply(
        from, r.getReadId(), r.getOk(), r.getReadIndex(), r.getLeaderHint());
  }

  static CommandResult commandResult(HostMessage.CommandResult m) {
    return CommandResult.newBuilder()
        .setClientId(m.clientId())
        .setSequence(m.sequence())
        .setSlot(m.slot())
        .setResult(bytes(m.result()))
        .build();
  }

  static HostMessage.CommandResult commandResult(CommandResult c, int from) {
    return new HostMessage.CommandResult(
        from, c.getClientId(), c.getSequence(), c.getSlot(), c.getResult().toByteArray());
  }

  static CommandFailed commandFailed(HostMessage.CommandFailed m) {
    return CommandFailed.newBuilder()
        .setClientId(m.clientId())
        .setSequence(m.sequence())
        .setSlot(m.slot())
        .setExceptionClass(m.exceptionClass())
        .setExceptionMessage(m.exceptionMessage())
        .build();
  }

  static HostMessage.CommandFailed commandFailed(CommandFailed c, int from) {
    return new HostMessage.CommandFailed(
        from,
        c.getClientId(),
        c.getSequence(),
        c.getSlot(),
        c.getExceptionClass(),
        c.getExceptionMessage());
  }

  static SnapshotRequest snapshotRequest(HostMessage.SnapshotRequest m) {
    return SnapshotRequest.newBuilder().setSlot(m.slot()).setOffset(m.offset()).build();
  }

  static HostMessage.SnapshotRequest snapshotRequest(SnapshotRequest r, int from) {
    return new HostMessage.SnapshotRequest(from, r.getSlot(), r.getOffset());
  }

  static SnapshotChunk snapshotChunk(HostMessage.SnapshotChunk m) {
    return SnapshotChunk.newBuilder()
        .setSlot(m.slot())
        .setOffset(m.offset())
        .setTotalBytes(m.totalBytes())
        .setChecksum(m.checksum())
        .setData(bytes(m.data()))
        .build();
  }

  static HostMessage.SnapshotChunk snapshotChunk(SnapshotChunk c, int from) {
    if (c.getOffset() + c.getData().size() > c.getTotalBytes()) {
      throw new WireFormatException(
          "snapshot chunk ends at "
              + (c.getOffset() + c.getData().size())
              + ", beyond the snapshot's "
              + c.getTotalBytes()
              + " bytes");
    }
    return new HostMessage.SnapshotChunk(
        from,
        c.getSlot(),
        c.getOffset(),
        c.getTotalBytes(),
        c.getChecksum(),
        c.getData().toByteArray());
  }

  static SnapshotDurable snapshotDurable(Message.SnapshotDurable m) {
    return SnapshotDurable.newBuilder().setSlot(m.slot()).build();
  }

  static Message.SnapshotDurable snapshotDurable(SnapshotDurable d, int from) {
    return new Message.SnapshotDurable(from, d.getSlot());
  }
}
