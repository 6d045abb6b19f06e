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
 * version (byte: 1 or 2), epoch (varint), cluster id (varint count of UTF-16 code units, each a
 * varint), phase-1 quorum (varint), phase-2 quorum (varint), member count (varint), then per member:
 *   id (varint), roles (byte: bit 0 proposer, 1 acceptor, 2 learner), priority (varint),
 *   and in version 2 only: address (varint count of characters, at most 255, then each character
 *   as one byte, printable ASCII 0x21 to 0x7E)
 * </pre>
 *
 * <p>{@link #encode} writes version 1 when no member has an address, so that such a membership
 * keeps the bytes it had before addresses existed (and a node of that release can read it), and
 * version 2 otherwise. {@link #decode} reads both; a version-1 membership has no addresses.
 *
 * <p>Varints are unsigned LEB128. {@link #decode} bounds every count and length by the bytes that
 * remain and refuses anything {@link ClusterConfig} or {@link Member} would refuse, with an {@link
 * IllegalArgumentException} naming what is wrong. Plain arrays, no I/O classes: the protocol
 * package stays free of them. Stateless and thread-safe.
 */
public final class MembershipCodec {
  /** The format without addresses; written when no member has one. */
  public static final byte VERSION = 1;

  /**
   * The format with each member's {@link Member#address()}; a decoder refuses any version above.
   */
  public static final byte VERSION_WITH_ADDRESSES = 2;

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
    boolean addresses = c.members().stream().anyMatch(m -> !m.address().isEmpty());
    Writer out = new Writer(16 + id.length() + 4 * c.members().size());
    out.put(addresses ? VERSION_WITH_ADDRESSES : VERSION);
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
      if (addresses) {
        String address = m.address(); // printable ASCII, checked by Member
        out.varint(address.length());
        for (int i = 0; i < address.length(); i++) {
          out.put(address.charAt(i));
        }
      }
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
    if (version != VERSION && version != VERSION_WITH_ADDRESSES) {
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
      String address = version == VERSION_WITH_ADDRESSES ? in.address(memberId) : "";
      members.add(new Member(memberId, roles, priority, address));
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

    /** An address: a varint length, then that many printable ASCII bytes. */
    String address(int memberId) {
      int length =
          varint(
              "address length of node " + memberId,
              Math.min(Member.MAX_ADDRESS_CHARS, remaining()));
      char[] chars = new char[length];
      for (int i = 0; i < length; i++) {
        byte b = get();
        if (b <= ' ' || b > '~') {
          throw new IllegalArgumentException(
              "address of node " + memberId + " has byte " + (b & 0xFF) + " at index " + i);
        }
        chars[i] = (char) b;
      }
      return new String(chars);
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
