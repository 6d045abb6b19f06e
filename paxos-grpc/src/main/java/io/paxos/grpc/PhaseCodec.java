package io.paxos.grpc;

import static io.paxos.grpc.MessageCodec.ballot;

import io.paxos.core.protocol.Message;
import io.paxos.grpc.proto.Accept;
import io.paxos.grpc.proto.Accepted;
import io.paxos.grpc.proto.Commit;
import io.paxos.grpc.proto.Heartbeat;
import io.paxos.grpc.proto.HeartbeatAck;
import io.paxos.grpc.proto.Nack;
import io.paxos.grpc.proto.Prepare;
import io.paxos.grpc.proto.PriorityClaim;
import io.paxos.grpc.proto.Promise;

/** {@link MessageCodec}'s part for the messages of the two phases and leadership. Stateless. */
final class PhaseCodec {
  private PhaseCodec() {}

  static Prepare prepare(Message.Prepare m) {
    return Prepare.newBuilder().setBallot(ballot(m.ballot())).setFromSlot(m.fromSlot()).build();
  }

  static Message.Prepare prepare(Prepare p, int from) {
    return new Message.Prepare(
        from, ballot(p.hasBallot(), p.getBallot(), "prepare"), p.getFromSlot());
  }

  static Promise promise(Message.Promise m) {
    return Promise.newBuilder()
        .setBallot(ballot(m.ballot()))
        .setFromSlot(m.fromSlot())
        .addAllAccepted(MessageCodec.entries(m.accepted()))
        .setNextFrom(m.nextFrom())
        .build();
  }

  static Message.Promise promise(Promise p, int from) {
    return new Message.Promise(
        from,
        ballot(p.hasBallot(), p.getBallot(), "promise"),
        p.getFromSlot(),
        MessageCodec.entriesFrom(p.getAcceptedList()),
        p.getNextFrom());
  }

  static Accept accept(Message.Accept m) {
    return Accept.newBuilder()
        .setBallot(ballot(m.ballot()))
        .setFirstSlot(m.firstSlot())
        .addAllValues(MessageCodec.values(m.values()))
        .setCommitSlot(m.commitSlot())
        .build();
  }

  static Message.Accept accept(Accept a, int from) {
    return new Message.Accept(
        from,
        ballot(a.hasBallot(), a.getBallot(), "accept"),
        a.getFirstSlot(),
        MessageCodec.valuesFrom(a.getValuesList()),
        a.getCommitSlot());
  }

  static Accepted accepted(Message.Accepted m) {
    return Accepted.newBuilder()
        .setBallot(ballot(m.ballot()))
        .setFirstSlot(m.firstSlot())
        .setCount(m.count())
        .build();
  }

  static Message.Accepted accepted(Accepted a, int from) {
    return new Message.Accepted(
        from, ballot(a.hasBallot(), a.getBallot(), "accepted"), a.getFirstSlot(), a.getCount());
  }

  static Nack nack(Message.Nack m) {
    return Nack.newBuilder()
        .setRejected(ballot(m.rejected()))
        .setPromised(ballot(m.promised()))
        .build();
  }

  static Message.Nack nack(Nack n, int from) {
    return new Message.Nack(
        from,
        ballot(n.hasRejected(), n.getRejected(), "rejected"),
        ballot(n.hasPromised(), n.getPromised(), "promised"));
  }

  static Commit commit(Message.Commit m) {
    return Commit.newBuilder().setBallot(ballot(m.ballot())).setCommitSlot(m.commitSlot()).build();
  }

  static Message.Commit commit(Commit c, int from) {
    return new Message.Commit(
        from, ballot(c.hasBallot(), c.getBallot(), "commit"), c.getCommitSlot());
  }

  static Heartbeat heartbeat(Message.Heartbeat m) {
    return Heartbeat.newBuilder()
        .setBallot(ballot(m.ballot()))
        .setCommitSlot(m.commitSlot())
        .setSequence(m.sequence())
        .build();
  }

  static Message.Heartbeat heartbeat(Heartbeat h, int from) {
    return new Message.Heartbeat(
        from,
        ballot(h.hasBallot(), h.getBallot(), "heartbeat"),
        h.getCommitSlot(),
        h.getSequence());
  }

  static HeartbeatAck heartbeatAck(Message.HeartbeatAck m) {
    return HeartbeatAck.newBuilder()
        .setBallot(ballot(m.ballot()))
        .setSequence(m.sequence())
        .build();
  }

  static Message.HeartbeatAck heartbeatAck(HeartbeatAck h, int from) {
    return new Message.HeartbeatAck(
        from, ballot(h.hasBallot(), h.getBallot(), "heartbeat ack"), h.getSequence());
  }

  static PriorityClaim priorityClaim(Message.PriorityClaim m) {
    return PriorityClaim.newBuilder()
        .setBallot(ballot(m.ballot()))
        .setChosenBelow(m.chosenBelow())
        .build();
  }

  static Message.PriorityClaim priorityClaim(PriorityClaim c, int from) {
    return new Message.PriorityClaim(
        from, ballot(c.hasBallot(), c.getBallot(), "priority claim"), c.getChosenBelow());
  }
}
