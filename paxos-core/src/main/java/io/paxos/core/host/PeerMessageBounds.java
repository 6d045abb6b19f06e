package io.paxos.core.host;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.ApplyFailure;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBounds;
import io.paxos.core.protocol.MessageBytes;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.ProtocolNode;
import java.util.Optional;

/**
 * The one check of every message from a peer, of either kind, before anything sees it: a protocol
 * {@link Message} is checked by its node ({@link ProtocolNode#refusal}, which applies {@link
 * MessageBounds}), a {@link HostMessage} here, by the same rules (no slot, offset or size negative
 * or above {@link MessageBounds#MAX_SLOT}, a chunk's bytes within its snapshot, a failure's class
 * name and message present and at most {@link #MAX_FAILURE_CHARS} characters, no snapshot larger
 * than {@link MessageLimits#maxSnapshotBytes()}, the sender a member hosting the role that sends
 * such a message). A message of any other type is refused. Hosts drop (and count) what is refused,
 * before the protocol, the snapshot side, the apply side or the storage sees it.
 *
 * <p>Stateless and thread-safe; the node's state is read only through {@link ProtocolNode#refusal},
 * on the host's thread.
 */
public final class PeerMessageBounds {
  private PeerMessageBounds() {}

  /**
   * The most characters of a {@link HostMessage.CommandFailed}'s class name and of its message,
   * each: what the state machine's failure keeps of a message ({@link
   * ApplyFailure#MAX_MESSAGE_CHARS}).
   */
  public static final int MAX_FAILURE_CHARS = ApplyFailure.MAX_MESSAGE_CHARS;

  /**
   * The most bytes a character of a string takes on a wire: 3 in UTF-8 (a surrogate pair, two
   * characters, takes 4).
   */
  private static final int MAX_BYTES_PER_CHAR = 3;

  /**
   * Why {@code m} breaks an absolute bound (one that needs no state to check), if it does: what a
   * transport checks before it hands a message on ({@link MessageBounds#malformed} for a protocol
   * message).
   */
  public static Optional<String> malformed(PeerMessage m) {
    if (m instanceof Message message) {
      return MessageBounds.malformed(message);
    } else if (m instanceof HostMessage message) {
      return check(() -> absolute(message));
    }
    return Optional.of(unknown(m));
  }

  /** Why {@code node} refuses {@code m} from the network, if it does. */
  public static Optional<String> refusal(PeerMessage m, ProtocolNode node) {
    if (m instanceof Message message) {
      return node.refusal(message);
    } else if (m instanceof HostMessage message) {
      return check(
          () -> {
            absolute(message);
            relative(message, node.config(), node.limits());
          });
    }
    return Optional.of(unknown(m));
  }

  /**
   * The bound on the encoded size of {@code m}, as {@link MessageBytes#of} bounds a protocol
   * message: {@link MessageBytes#MESSAGE_OVERHEAD} and the result's or the chunk's bytes, or a
   * failure's characters at 3 bytes each (the most UTF-8 takes).
   */
  public static long bytes(PeerMessage m) {
    if (m instanceof Message message) {
      return MessageBytes.of(message);
    }
    long body = 0;
    if (m instanceof HostMessage.CommandResult r) {
      body = r.result().length;
    } else if (m instanceof HostMessage.CommandFailed f) {
      body =
          MAX_BYTES_PER_CHAR * ((long) f.exceptionClass().length() + f.exceptionMessage().length());
    } else if (m instanceof HostMessage.SnapshotChunk c) {
      body = c.data().length;
    }
    return MessageBytes.MESSAGE_OVERHEAD + body;
  }

  private static Optional<String> check(Runnable bounds) {
    try {
      bounds.run();
      return Optional.empty();
    } catch (Refused r) {
      return Optional.of(r.getMessage());
    }
  }

  private static String unknown(PeerMessage m) {
    return "a message of unknown kind " + (m == null ? "null" : m.getClass().getName());
  }

  // ---- absolute bounds

  private static void absolute(HostMessage message) {
    if (message instanceof HostMessage.SnapshotRequest m) {
      slot("SnapshotRequest slot", m.slot());
      count("SnapshotRequest offset", m.offset());
    } else if (message instanceof HostMessage.SnapshotChunk m) {
      slot("SnapshotChunk slot", m.slot());
      count("SnapshotChunk offset", m.offset());
      count("SnapshotChunk totalBytes", m.totalBytes());
      if (m.offset() > m.totalBytes() || m.data().length > m.totalBytes() - m.offset()) {
        throw new Refused(
            "SnapshotChunk bytes "
                + m.offset()
                + " + "
                + m.data().length
                + " pass its totalBytes "
                + m.totalBytes());
      }
    } else if (message instanceof HostMessage.CommandResult m) {
      slot("CommandResult slot", m.slot());
    } else if (message instanceof HostMessage.CommandFailed m) {
      slot("CommandFailed slot", m.slot());
      text("CommandFailed exceptionClass", m.exceptionClass());
      if (m.exceptionClass().isEmpty()) {
        throw new Refused("CommandFailed exceptionClass is empty");
      }
      text("CommandFailed exceptionMessage", m.exceptionMessage());
    }
  }

  /** A failure's class name or message: present and at most {@link #MAX_FAILURE_CHARS} long. */
  private static void text(String what, String text) {
    if (text == null) {
      throw new Refused(what + " is missing");
    }
    if (text.length() > MAX_FAILURE_CHARS) {
      throw new Refused(
          what + " has " + text.length() + " characters, more than " + MAX_FAILURE_CHARS);
    }
  }

  private static void slot(String what, long slot) {
    if (slot < 0 || slot > MessageBounds.MAX_SLOT) {
      throw new Refused(
          what + " " + slot + " is out of bounds (0 to " + MessageBounds.MAX_SLOT + ")");
    }
  }

  private static void count(String what, long n) {
    if (n < 0) {
      throw new Refused(what + " " + n + " is negative");
    }
  }

  // ---- bounds relative to the cluster

  private static void relative(HostMessage message, ClusterConfig config, MessageLimits limits) {
    String kind = message.getClass().getSimpleName();
    Optional<Member> member = config.member(message.from());
    boolean transfer =
        message instanceof HostMessage.SnapshotRequest
            || message instanceof HostMessage.SnapshotChunk;
    // A snapshot passes between nodes of different memberships as catch-up does (a node joining,
    // or one that missed a change; docs/membership.md); the transport authenticated the sender.
    if (member.isEmpty() && (!transfer || message.from() < 1 || message.from() > Member.MAX_ID)) {
      throw new Refused(kind + " from node " + message.from() + ", not a member");
    }
    // A result or a failure comes from the host of a learner, which applied the command.
    if ((message instanceof HostMessage.CommandResult
            || message instanceof HostMessage.CommandFailed)
        && !member.orElseThrow().has(Role.LEARNER)) {
      throw new Refused(kind + " from node " + message.from() + ", which hosts no " + Role.LEARNER);
    }
    if (message instanceof HostMessage.SnapshotRequest m) {
      most("SnapshotRequest offset", m.offset(), limits.maxSnapshotBytes());
    } else if (message instanceof HostMessage.SnapshotChunk m) {
      most("SnapshotChunk totalBytes", m.totalBytes(), limits.maxSnapshotBytes());
    }
  }

  private static void most(String what, long n, long max) {
    if (n > max) {
      throw new Refused(what + " " + n + " exceeds the limit " + max);
    }
  }

  /** A refusal; no stack trace (an attacker chooses how many). */
  private static final class Refused extends RuntimeException {
    Refused(String why) {
      super(why, null, false, false);
    }
  }
}
