package io.paxos.core.host.golden;

import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import io.paxos.core.protocol.Value;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.StringJoiner;

/**
 * The compact, stable text of messages, values and accepted entries in the golden interaction
 * outputs: {@code Accept b=2.1 1=[x] 2=noop commit=1}. Ballots print as {@code round.node}, a value
 * as its commands' payloads ({@code [x,y]}) or {@code noop}, an accepted entry as {@code
 * slot=value@ballot}. The sender and receiver are printed by the caller ({@code send 1->2 ...}).
 * Record {@code toString()}s are not used: they change with the records and print arrays as
 * addresses.
 */
final class MessageFormatter {
  private MessageFormatter() {}

  static String message(PeerMessage message) {
    if (message instanceof Message.Prepare m) {
      return "Prepare b=" + m.ballot() + " from-slot=" + m.fromSlot();
    } else if (message instanceof Message.Promise m) {
      return "Promise b="
          + m.ballot()
          + " from-slot="
          + m.fromSlot()
          + " accepted="
          + entries(m.accepted())
          + (m.complete() ? "" : " next-from=" + m.nextFrom());
    } else if (message instanceof Message.Accept m) {
      StringBuilder b = new StringBuilder("Accept b=").append(m.ballot());
      long slot = m.firstSlot();
      for (Value v : m.values()) {
        b.append(' ').append(slot++).append('=').append(value(v));
      }
      return b.append(" commit=").append(m.commitSlot()).toString();
    } else if (message instanceof Message.Accepted m) {
      return "Accepted b=" + m.ballot() + " slots=" + slots(m.firstSlot(), m.count());
    } else if (message instanceof Message.Nack m) {
      return "Nack rejected=" + m.rejected() + " promised=" + m.promised();
    } else if (message instanceof Message.Commit m) {
      return "Commit b=" + m.ballot() + " commit=" + m.commitSlot();
    } else if (message instanceof Message.Heartbeat m) {
      return "Heartbeat b=" + m.ballot() + " commit=" + m.commitSlot() + " seq=" + m.sequence();
    } else if (message instanceof Message.HeartbeatAck m) {
      return "HeartbeatAck b=" + m.ballot() + " seq=" + m.sequence();
    } else if (message instanceof Message.CatchUpRequest m) {
      return "CatchUpRequest from-slot=" + m.fromSlot() + " max=" + m.maxSlots();
    } else if (message instanceof Message.CatchUpReply m) {
      StringBuilder b = new StringBuilder("CatchUpReply");
      long slot = m.firstSlot();
      for (Value v : m.values()) {
        b.append(' ').append(slot++).append('=').append(value(v));
      }
      return b.toString();
    } else if (message instanceof HostMessage.SnapshotRequest m) {
      return "SnapshotRequest slot=" + m.slot() + " offset=" + m.offset();
    } else if (message instanceof HostMessage.SnapshotChunk m) {
      return "SnapshotChunk slot="
          + m.slot()
          + " offset="
          + m.offset()
          + " bytes="
          + m.data().length;
    } else if (message instanceof Message.AcceptedQuery m) {
      return "AcceptedQuery id="
          + m.queryId()
          + " slots="
          + slots(m.fromSlot(), m.toSlot() - m.fromSlot());
    } else if (message instanceof Message.AcceptedReport m) {
      return "AcceptedReport id="
          + m.queryId()
          + " slots="
          + slots(m.fromSlot(), m.toSlot() - m.fromSlot())
          + " accepted="
          + entries(m.accepted());
    } else if (message instanceof Message.PriorityClaim m) {
      return "PriorityClaim " + m.ballot() + " chosenBelow=" + m.chosenBelow();
    } else if (message instanceof Message.SnapshotDurable m) {
      return "SnapshotDurable slot=" + m.slot();
    } else if (message instanceof Message.Forward m) {
      return "Forward leader=" + m.leaderBallot() + " " + commands(m.commands());
    } else if (message instanceof Message.ForwardRejected m) {
      return "ForwardRejected "
          + m.reason()
          + " hint="
          + m.leaderHint()
          + " "
          + commands(m.commands());
    } else if (message instanceof Message.ReadIndexRequest m) {
      return "ReadIndexRequest read=" + readId(m.readId());
    } else if (message instanceof Message.ReadIndexReply m) {
      return "ReadIndexReply read="
          + readId(m.readId())
          + (m.ok() ? " ok index=" + m.readIndex() : " refused")
          + " hint="
          + m.leaderHint();
    } else if (message instanceof HostMessage.CommandResult m) {
      return "CommandResult slot=" + m.slot() + " seq=" + m.sequence() + " " + payload(m.result());
    } else if (message instanceof HostMessage.CommandFailed m) {
      return "CommandFailed slot="
          + m.slot()
          + " seq="
          + m.sequence()
          + " "
          + m.exceptionClass()
          + ": "
          + m.exceptionMessage();
    }
    throw new IllegalArgumentException("no format for " + message.getClass().getSimpleName());
  }

  /** A read's id: {@code 3}, or {@code lease:3} for a lease read. */
  static String readId(long id) {
    return (id & ProtocolNode.LEASE_READ) != 0
        ? "lease:" + (id & ~ProtocolNode.LEASE_READ)
        : Long.toString(id);
  }

  /** {@code 3} for one slot, {@code 3..5} for several, {@code none} for none. */
  static String slots(long first, long count) {
    if (count <= 0) {
      return "none";
    }
    return count == 1 ? Long.toString(first) : first + ".." + (first + count - 1);
  }

  static String value(Value value) {
    return value instanceof Value.NoOp ? "noop" : commands(value.commands());
  }

  static String commands(List<Command> commands) {
    StringJoiner j = new StringJoiner(",", "[", "]");
    for (Command c : commands) {
      j.add(payload(c.payload()));
    }
    return j.toString();
  }

  static String entry(AcceptedEntry e) {
    return e.slot() + "=" + value(e.value()) + "@" + e.ballot();
  }

  static String entries(List<AcceptedEntry> entries) {
    StringJoiner j = new StringJoiner(" ", "{", "}");
    for (AcceptedEntry e : entries) {
      j.add(entry(e));
    }
    return j.toString();
  }

  /** Printable ASCII without spaces and brackets as text; anything else as {@code 0x..}. */
  static String payload(byte[] bytes) {
    for (byte b : bytes) {
      if (b <= ' ' || b >= 127 || b == ',' || b == '[' || b == ']') {
        return "0x" + HexFormat.of().formatHex(bytes);
      }
    }
    return bytes.length == 0 ? "0x" : new String(bytes, StandardCharsets.US_ASCII);
  }
}
