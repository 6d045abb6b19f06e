package io.paxos.core.protocol;

import io.paxos.core.config.ProtocolOptions;
import java.util.List;

/**
 * Upper bounds on the encoded size of messages, so that a node never builds a message its peers
 * refuse ({@link io.paxos.core.config.ProtocolOptions#maxMessageBytes()}). The bounds hold for any
 * compact encoding of the records (the gRPC module's protobuf encoding is well below them, and a
 * test there checks it): each command costs its payload plus {@link #COMMAND_OVERHEAD}, each value
 * or accepted entry in a message {@link #ENTRY_OVERHEAD} more, and the message itself {@link
 * #MESSAGE_OVERHEAD} (its other fields and the transport's framing).
 *
 * <p>Messages that carry values or commands ({@code Accept}, {@code Promise}, {@code CatchUpReply},
 * {@code AcceptedReport}, {@code Forward}, {@code ForwardRejected}) are cut by these bounds where
 * they are built; a single command always fits, because the options check that a message with one
 * command of {@code maxCommandBytes} is within the limit ({@link
 * ProtocolOptions#oneCommandMessageBytes}). Stateless.
 */
public final class MessageBytes {
  /** Per command: origin, client id, sequence, acknowledgement floor, payload length and tags. */
  public static final int COMMAND_OVERHEAD = ProtocolOptions.COMMAND_OVERHEAD_BYTES;

  /** Per value or accepted entry in a message: slot, ballot, lengths and tags. */
  public static final int ENTRY_OVERHEAD = ProtocolOptions.ENTRY_OVERHEAD_BYTES;

  /** Per message: its fixed fields, the envelope, and the transport's frame. */
  public static final int MESSAGE_OVERHEAD = ProtocolOptions.MESSAGE_OVERHEAD_BYTES;

  private MessageBytes() {}

  /** A command inside a value or a list of commands. */
  public static long command(Command c) {
    return COMMAND_OVERHEAD + (long) c.payload().length;
  }

  /** A list of commands, as a {@code Forward} carries them. */
  public static long commands(List<Command> commands) {
    if (commands instanceof PackedCommands p) {
      return p.payloadBytes() + (long) COMMAND_OVERHEAD * p.size();
    }
    long size = 0;
    for (Command c : commands) {
      size += command(c);
    }
    return size;
  }

  /**
   * A value inside an {@code Accept} or a {@code CatchUpReply}. A batch's {@link BatchCodec} form,
   * as the wire carries it, takes less than its commands' bound: at most {@link
   * BatchCodec#MAX_COMMAND_OVERHEAD} per command beyond the payload, and a few bytes of header.
   */
  public static long value(Value v) {
    if (v instanceof Value.Reconfigure r) {
      return ENTRY_OVERHEAD + r.byteSize();
    }
    return ENTRY_OVERHEAD + commands(v.commands());
  }

  /** An accepted entry inside a {@code Promise} or an {@code AcceptedReport}. */
  public static long entry(AcceptedEntry e) {
    return value(e.value());
  }

  /** The bound on the whole of {@code m}. */
  public static long of(Message m) {
    long body = 0;
    if (m instanceof Message.Accept a) {
      body = values(a.values());
    } else if (m instanceof Message.CatchUpReply r) {
      body = values(r.values());
    } else if (m instanceof Message.Promise p) {
      body = entries(p.accepted());
    } else if (m instanceof Message.AcceptedReport r) {
      body = entries(r.accepted());
    } else if (m instanceof Message.Forward f) {
      body = commands(f.commands());
    } else if (m instanceof Message.ForwardRejected f) {
      body = commands(f.commands());
    }
    return MESSAGE_OVERHEAD + body;
  }

  private static long values(List<Value> values) {
    long size = 0;
    for (Value v : values) {
      size += value(v);
    }
    return size;
  }

  private static long entries(List<AcceptedEntry> entries) {
    long size = 0;
    for (AcceptedEntry e : entries) {
      size += entry(e);
    }
    return size;
  }
}
