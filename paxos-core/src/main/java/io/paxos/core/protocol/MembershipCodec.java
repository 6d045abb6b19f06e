package io.paxos.core.protocol;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The one binary form of a {@link Value.Reconfigure}: what the log stores and what the wire
 * carries, byte for byte (docs/membership.md).
 *
 * <pre>
 * version 1 (byte), epoch (varint), cluster id (varint count of UTF-16 code units, each a varint),
 * phase-1 quorum (varint), phase-2 quorum (varint), member count (varint), then per member:
 *   id (varint), roles (byte: bit 0 proposer, 1 acceptor, 2 learner), priority (varint)
 * </pre>
 *
 * <p>Varints are unsigned LEB128. {@link #decode} bounds every count and length by the bytes that
 * remain and refuses anything {@link ClusterConfig} or {@link Member} would refuse, with an {@link
 * IllegalArgumentException} naming what is wrong. Plain arrays, no I/O classes: the protocol
 * package stays free of them. Stateless and thread-safe.
 */
public final class MembershipCodec {
  /** The only format version so far; a decoder refuses any other. */
  public static final byte VERSION = 1;

  /** The longest cluster id a membership may carry, in characters (UTF-16 code units). */
  public static final int MAX_CLUSTER_ID_CHARS = 256;

  private MembershipCodec() {}

  /**
   * {@return the bytes of {@code value}}
   *
   * @throws IllegalArgumentException if its cluster id is longer than {@link #MAX_CLUSTER_ID_CHARS}
   */
  public static byte[] encode(Value.Reconfigure value) {
    ClusterConfig c = value.next();
    String id = c.clusterId();
    if (id.length() > MAX_CLUSTER_ID_CHARS) {
      throw new IllegalArgumentException(
          "cluster id of " + id.length() + " characters; at most " + MAX_CLUSTER_ID_CHARS);
    }
    Writer out = new Writer(16 + id.length() + 4 * c.members().size());
    out.put(VERSION);
    out.varint(value.epoch());
    out.varint(id.length());
    for (int i = 0; i < id.length(); i++) {
      out.varint(id.charAt(i));
    }
    out.varint(c.phase1Quorum());
    out.varint(c.phase2Quorum());
    out.varint(c.members().size());
    for (Member m : c.members()) {
      out.varint(m.id());
      out.put(
          (m.has(Role.PROPOSER) ? 1 : 0)
              | (m.has(Role.ACCEPTOR) ? 2 : 0)
              | (m.has(Role.LEARNER) ? 4 : 0));
      out.varint(m.priority());
    }
    return out.bytes();
  }

  /**
   * {@return the reconfiguration {@code bytes} hold}
   *
   * @throws IllegalArgumentException if they are not the bytes of a valid one
   */
  public static Value.Reconfigure decode(byte[] bytes) {
    Reader in = new Reader(bytes);
    byte version = in.get();
    if (version != VERSION) {
      throw new IllegalArgumentException("unknown membership format version " + version);
    }
    int epoch = in.varint("epoch", Ballot.MAX_EPOCH);
    int idLength = in.varint("cluster id length", Math.min(MAX_CLUSTER_ID_CHARS, in.remaining()));
    char[] id = new char[idLength];
    for (int i = 0; i < idLength; i++) {
      id[i] = (char) in.varint("cluster id character", Character.MAX_VALUE);
    }
    int q1 = in.varint("phase-1 quorum", ClusterConfig.MAX_ACCEPTORS);
    int q2 = in.varint("phase-2 quorum", ClusterConfig.MAX_ACCEPTORS);
    int count = in.varint("member count", Math.min(Member.MAX_ID, in.remaining()));
    List<Member> members = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int memberId = in.varint("member id", Member.MAX_ID);
      byte roleBits = in.get();
      if ((roleBits & ~7) != 0) {
        throw new IllegalArgumentException(
            "unknown role bits " + roleBits + " of node " + memberId);
      }
      Set<Role> roles = EnumSet.noneOf(Role.class);
      if ((roleBits & 1) != 0) {
        roles.add(Role.PROPOSER);
      }
      if ((roleBits & 2) != 0) {
        roles.add(Role.ACCEPTOR);
      }
      if ((roleBits & 4) != 0) {
        roles.add(Role.LEARNER);
      }
      int priority = in.varint("priority", Member.MAX_PRIORITY);
      members.add(new Member(memberId, roles, priority));
    }
    if (in.remaining() > 0) {
      throw new IllegalArgumentException(in.remaining() + " bytes after the membership");
    }
    return new Value.Reconfigure(epoch, new ClusterConfig(new String(id), members, q1, q2));
  }

  /** A growing byte array. */
  private static final class Writer {
    private byte[] bytes;
    private int size;

    Writer(int capacity) {
      bytes = new byte[capacity];
    }

    void put(int b) {
      if (size == bytes.length) {
        bytes = Arrays.copyOf(bytes, bytes.length * 2 + 8);
      }
      bytes[size++] = (byte) b;
    }

    void varint(long v) {
      while ((v & ~0x7FL) != 0) {
        put((int) ((v & 0x7F) | 0x80));
        v >>>= 7;
      }
      put((int) v);
    }

    byte[] bytes() {
      return Arrays.copyOf(bytes, size);
    }
  }

  /**
   * Reads a byte array from the front; running past its end is an {@link IllegalArgumentException}.
   */
  private static final class Reader {
    private final byte[] bytes;
    private int position;

    Reader(byte[] bytes) {
      this.bytes = bytes;
    }

    int remaining() {
      return bytes.length - position;
    }

    byte get() {
      if (position == bytes.length) {
        throw new IllegalArgumentException("membership cut short at byte " + position);
      }
      return bytes[position++];
    }

    int varint(String what, int max) {
      long v = 0;
      for (int shift = 0; shift < 35; shift += 7) {
        byte b = get();
        v |= (long) (b & 0x7F) << shift;
        if (b >= 0) {
          if (v > max) {
            throw new IllegalArgumentException(what + " " + v + " is above " + max);
          }
          return (int) v;
        }
      }
      throw new IllegalArgumentException(what + " is longer than 5 bytes");
    }
  }
}
