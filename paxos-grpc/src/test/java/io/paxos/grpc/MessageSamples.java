package io.paxos.grpc;

import io.paxos.core.host.HostMessage;
import io.paxos.core.host.PeerMessageBounds;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBounds;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * At least one message of every type, of both kinds (the protocol's and the hosts'), with edge
 * values (empty lists, extremes, no-ops).
 */
final class MessageSamples {
  private MessageSamples() {}

  static List<PeerMessage> all(int from) {
    Ballot ballot = new Ballot(7, from);
    Ballot high = new Ballot(Long.MAX_VALUE, 0xFFFF);
    Command command =
        new Command(from, 0x8234_5678_9abc_def0L, 42, "set x 1".getBytes(StandardCharsets.UTF_8));
    Command session = new Command(3, -1L, Long.MAX_VALUE, 17, new byte[] {0, -1, 127});
    Command empty = new Command(from, 3, 4, new byte[0]);
    Value batch = new Value.Batch(List.of(command, session, empty));
    AcceptedEntry entry = new AcceptedEntry(5, new Ballot(6, 2), batch);
    AcceptedEntry noop = new AcceptedEntry(9, new Ballot(3, 3), Value.NOOP);
    Value change =
        new Value.Reconfigure(
            2,
            io.paxos.core.config.ClusterConfig.withMajorities(
                "sample",
                List.of(
                    io.paxos.core.config.Member.allRoles(1).withPriority(5),
                    io.paxos.core.config.Member.allRoles(2),
                    io.paxos.core.config.Member.of(4, io.paxos.core.config.Role.ACCEPTOR))));
    AcceptedEntry epochEntry = new AcceptedEntry(11, new Ballot(1, 4, 2), change);
    return List.<PeerMessage>of(
        new Message.Prepare(from, ballot, 5),
        new Message.Prepare(from, Ballot.ZERO, 0),
        new Message.Promise(from, ballot, 5, List.of(entry, noop)),
        new Message.Promise(from, high, 1, List.of()),
        new Message.Accept(from, ballot, 10, List.of(batch, Value.NOOP), 9),
        new Message.Accept(from, ballot, 1, List.of(), 0),
        new Message.Accept(from, new Ballot(1, 7, from), 11, List.of(change), 10),
        new Message.Promise(from, new Ballot(2, 1, from), 11, List.of(epochEntry)),
        new Message.Accepted(from, ballot, 10, 2),
        new Message.Nack(from, ballot, high),
        new Message.Commit(from, ballot, 12),
        new Message.Heartbeat(from, ballot, 12, Long.MAX_VALUE),
        new Message.Heartbeat(from, ballot, -1, Long.MIN_VALUE),
        new Message.HeartbeatAck(from, ballot, 77),
        new Message.PriorityClaim(from, ballot, 0),
        new Message.PriorityClaim(from, ballot, 1_000_000),
        new Message.CatchUpRequest(from, 3, 256),
        new Message.CatchUpReply(from, 3, List.of(batch, Value.NOOP)),
        new Message.AcceptedQuery(from, 0x7fff_ffff_ffffL, 3, 900),
        new Message.AcceptedReport(from, 5, 3, 10, List.of(entry, noop)),
        new Message.AcceptedReport(from, 6, 3, 3, List.of()),
        new Message.Forward(from, new Ballot(7, from), List.of(command, session)),
        new Message.Forward(from, Ballot.ZERO, List.of(command)),
        new Message.ForwardRejected(from, List.of(command), Outbox.Rejection.OVERLOADED, 3),
        new Message.ForwardRejected(from, List.of(session), Outbox.Rejection.NOT_LEADER, 0),
        new Message.ReadIndexRequest(from, 99),
        new Message.ReadIndexReply(from, 99, true, 13, from),
        new Message.ReadIndexReply(from, -100, false, 0, 0),
        new HostMessage.CommandResult(from, 0x8234_5678_9abc_def0L, 42, 13, new byte[] {1, 2, 3}),
        new HostMessage.CommandResult(from, 1, 1, 1, new byte[0]),
        new HostMessage.CommandFailed(
            from, 0x8234_5678_9abc_def0L, 42, 13, "java.lang.ArithmeticException", "/ by zero"),
        new HostMessage.CommandFailed(from, -1L, Long.MAX_VALUE, 0, "E", ""),
        // The widest: each at its limit, of characters that take 3 bytes in UTF-8, and pairs
        // (a character outside the BMP, 4 bytes for 2 chars).
        new HostMessage.CommandFailed(
            from,
            1,
            1,
            MessageBounds.MAX_SLOT,
            "\uffff".repeat(PeerMessageBounds.MAX_FAILURE_CHARS),
            "\ud83d\ude00".repeat(PeerMessageBounds.MAX_FAILURE_CHARS / 2)),
        new HostMessage.SnapshotRequest(from, 1_000_000, 262_144),
        new HostMessage.SnapshotChunk(from, 1_000_000, 0, 5, 0xCAFEBABE, new byte[] {1, 2, 3}),
        new HostMessage.SnapshotChunk(from, 7, 5, 5, -1, new byte[0]),
        new Message.SnapshotDurable(from, 1_000_000),
        new Message.SnapshotDurable(from, Long.MAX_VALUE));
  }
}
