package io.paxos.core.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.sim.Topology;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MembershipCodecTest {

  private static Value.Reconfigure change(int epoch, ClusterConfig next) {
    return new Value.Reconfigure(epoch, next);
  }

  private static final Value.Reconfigure TYPICAL =
      change(
          3,
          ClusterConfig.withMajorities(
              "kv",
              List.of(
                  Member.allRoles(1).withPriority(7),
                  Member.allRoles(2),
                  Member.of(3, Role.ACCEPTOR),
                  Member.of(4, Role.LEARNER, Role.PROPOSER))));

  @Test
  @DisplayName("every topology's membership, at the first and the last epoch, decodes to itself")
  void roundTrips() {
    for (Topology t : Topology.values()) {
      for (int epoch : new int[] {1, Ballot.MAX_EPOCH}) {
        Value.Reconfigure v = change(epoch, t.cluster());
        assertThat(MembershipCodec.decode(MembershipCodec.encode(v))).isEqualTo(v);
      }
    }
    ClusterConfig extreme =
        new ClusterConfig(
            "é-\uD83D\uDE00".repeat(MembershipCodec.MAX_CLUSTER_ID_CHARS / 4),
            List.of(Member.allRoles(1), Member.allRoles(Member.MAX_ID).withPriority(1000)),
            2,
            1);
    Value.Reconfigure v = change(7, extreme);
    assertThat(MembershipCodec.decode(MembershipCodec.encode(v))).isEqualTo(v);
    assertThat(v.byteSize()).isEqualTo(MembershipCodec.encode(v).length);
  }

  @Test
  @DisplayName("a membership value holds no command and is its own packed form")
  void appliesNothing() {
    assertThat(TYPICAL.commands()).isEmpty();
    assertThat(TYPICAL.packed()).isSameAs(TYPICAL);
    assertThat(MessageBytes.value(TYPICAL)).isGreaterThan(TYPICAL.byteSize());
  }

  @Test
  @DisplayName("epochs 0, -1 and above the maximum are refused when building the value")
  void epochBounds() {
    ClusterConfig c = ClusterConfig.of("x", 1);
    for (int bad : new int[] {0, -1, Ballot.MAX_EPOCH + 1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
      assertThatThrownBy(() -> change(bad, c)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  @DisplayName(
      "every cut of the bytes, a trailing byte, an unknown version or role bit, and values that"
          + " the configuration would refuse are refused with IllegalArgumentException")
  void hostileBytesAreRefused() {
    byte[] good = MembershipCodec.encode(TYPICAL);
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThatThrownBy(() -> MembershipCodec.decode(cut))
          .as("cut at %d", n)
          .isInstanceOf(IllegalArgumentException.class);
    }
    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> MembershipCodec.decode(trailing))
        .hasMessageContaining("after the membership");
    for (int v : new int[] {0, 3, -1, 0x7F}) {
      byte[] version = good.clone();
      version[0] = (byte) v;
      assertThatThrownBy(() -> MembershipCodec.decode(version))
          .hasMessageContaining("unknown membership format version");
    }

    // Built by hand: version, epoch, id "k", q1, q2, count, then the members.
    assertThatThrownBy(() -> MembershipCodec.decode(bytes(1, 1, 1, 'k', 1, 1, 1, 1, 8, 0)))
        .hasMessageContaining("role bits");
    assertThatThrownBy(() -> MembershipCodec.decode(bytes(1, 1, 1, 'k', 1, 1, 1, 1, 0, 0)))
        .hasMessageContaining("no role");
    // Two acceptors with quorums 1 and 1 do not intersect.
    assertThatThrownBy(() -> MembershipCodec.decode(bytes(1, 1, 1, 'k', 1, 1, 2, 1, 7, 0, 2, 7, 0)))
        .hasMessageContaining("do not intersect");
    // Epoch 0 and epoch 2^30 + 1.
    assertThatThrownBy(() -> MembershipCodec.decode(bytes(1, 0, 1, 'k', 1, 1, 1, 1, 7, 0)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                MembershipCodec.decode(
                    bytes(1, 0x81, 0x80, 0x80, 0x80, 0x04, 1, 'k', 1, 1, 1, 1, 7, 0)))
        .hasMessageContaining("epoch");
    // A member id above the maximum, a priority above the maximum.
    assertThatThrownBy(
            () -> MembershipCodec.decode(bytes(1, 1, 1, 'k', 1, 1, 1, 0x80, 0x80, 0x04, 7, 0)))
        .hasMessageContaining("member id");
    assertThatThrownBy(() -> MembershipCodec.decode(bytes(1, 1, 1, 'k', 1, 1, 1, 1, 7, 0xE9, 0x07)))
        .hasMessageContaining("priority");
    // A member count far beyond the bytes, a character above 0xFFFF, a cluster id too long.
    assertThatThrownBy(
            () -> MembershipCodec.decode(bytes(1, 1, 1, 'k', 1, 1, 0xFF, 0xFF, 0x03, 1, 7, 0)))
        .hasMessageContaining("member count");
    assertThatThrownBy(
            () -> MembershipCodec.decode(bytes(1, 1, 1, 0x80, 0x80, 0x04, 1, 1, 1, 1, 7, 0)))
        .hasMessageContaining("character");
    byte[] longId = new byte[400];
    longId[0] = 1;
    longId[1] = 1;
    longId[2] = (byte) 0x81; // 257 characters
    longId[3] = 0x02;
    assertThatThrownBy(() -> MembershipCodec.decode(longId))
        .hasMessageContaining("cluster id length");
    assertThatThrownBy(
            () ->
                MembershipCodec.encode(
                    change(
                        1,
                        ClusterConfig.of("x".repeat(MembershipCodec.MAX_CLUSTER_ID_CHARS + 1), 1))))
        .hasMessageContaining("at most");
    // A varint longer than five bytes.
    assertThatThrownBy(() -> MembershipCodec.decode(bytes(1, 0x80, 0x80, 0x80, 0x80, 0x80, 0)))
        .hasMessageContaining("longer");
  }

  private static Value.Reconfigure addressed(String... addresses) {
    List<Member> members = new java.util.ArrayList<>();
    for (int i = 0; i < addresses.length; i++) {
      members.add(Member.allRoles(i + 1).withAddress(addresses[i]));
    }
    return change(2, ClusterConfig.withMajorities("kv", members));
  }

  @Test
  @DisplayName(
      "without addresses the bytes stay version 1, byte for byte; with any address they are"
          + " version 2 and carry every member's, up to 255 characters")
  void addressesMakeVersionTwo() {
    byte[] plain = MembershipCodec.encode(TYPICAL);
    assertThat(plain[0]).isEqualTo(MembershipCodec.VERSION);
    // Pinned: version 1, epoch 3, "kv", quorums 2 and 2, 4 members (id, role bits, priority).
    assertThat(plain)
        .isEqualTo(bytes(1, 3, 2, 'k', 'v', 2, 2, 4, 1, 7, 7, 2, 7, 0, 3, 2, 0, 4, 5, 0));

    Value.Reconfigure one = addressed("10.0.0.1:9001", "", "h3:1");
    byte[] v2 = MembershipCodec.encode(one);
    assertThat(v2[0]).isEqualTo(MembershipCodec.VERSION_WITH_ADDRESSES);
    assertThat(MembershipCodec.decode(v2)).isEqualTo(one);
    assertThat(one.byteSize()).isEqualTo(v2.length);

    String longest = "x".repeat(Member.MAX_ADDRESS_CHARS - 2) + ":1";
    Value.Reconfigure extreme = addressed(longest, longest, "!~");
    byte[] big = MembershipCodec.encode(extreme);
    assertThat(MembershipCodec.decode(big)).isEqualTo(extreme);
    assertThat(MembershipCodec.decode(big).next().member(1).orElseThrow().address()).hasSize(255);

    // Version 1 bytes decode with empty addresses.
    assertThat(MembershipCodec.decode(plain).next().members())
        .allSatisfy(m -> assertThat(m.address()).isEmpty());
  }

  @Test
  @DisplayName(
      "version 2: an address of 256 characters, a non-ASCII, space or control byte, and every cut"
          + " are refused with IllegalArgumentException")
  void hostileAddressesAreRefused() {
    // version 2, epoch 1, "k", quorums 1 and 1, one member: id 1, all roles, priority 0, address.
    assertThat(MembershipCodec.decode(bytes(2, 1, 1, 'k', 1, 1, 1, 1, 7, 0, 3, 'a', ':', '1')))
        .isEqualTo(
            change(
                1, new ClusterConfig("k", List.of(Member.allRoles(1).withAddress("a:1")), 1, 1)));
    assertThat(MembershipCodec.decode(bytes(2, 1, 1, 'k', 1, 1, 1, 1, 7, 0, 0)).next().members())
        .containsExactly(Member.allRoles(1));
    for (int bad : new int[] {' ', 0, 0x7F, 0x80, 0xC3, 0xFF, '\n'}) {
      assertThatThrownBy(
              () -> MembershipCodec.decode(bytes(2, 1, 1, 'k', 1, 1, 1, 1, 7, 0, 3, 'a', bad, '1')))
          .as("byte %d", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("address of node 1 has byte " + bad);
    }
    byte[] tooLong = new byte[12 + 256];
    byte[] head = bytes(2, 1, 1, 'k', 1, 1, 1, 1, 7, 0, 0x80, 0x02); // address length 256
    System.arraycopy(head, 0, tooLong, 0, head.length);
    java.util.Arrays.fill(tooLong, head.length, tooLong.length, (byte) 'a');
    assertThatThrownBy(() -> MembershipCodec.decode(tooLong))
        .hasMessageContaining("address length of node 1 256 is above 255");
    // A length beyond the bytes that remain.
    assertThatThrownBy(
            () -> MembershipCodec.decode(bytes(2, 1, 1, 'k', 1, 1, 1, 1, 7, 0, 9, 'a', ':', '1')))
        .hasMessageContaining("address length");
    byte[] good = MembershipCodec.encode(addressed("10.0.0.1:9001", "", "h3:1"));
    for (int n = 0; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      assertThatThrownBy(() -> MembershipCodec.decode(cut))
          .as("cut at %d", n)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> MembershipCodec.decode(Arrays.copyOf(good, good.length + 1)))
        .hasMessageContaining("after the membership");
  }

  @Test
  @DisplayName("random and mutated bytes either decode or are refused; nothing else is thrown")
  void randomBytesNeverThrowAnythingElse() {
    SplittableRandom random = new SplittableRandom(22);
    byte[] good = MembershipCodec.encode(TYPICAL);
    byte[] addressedBytes = MembershipCodec.encode(addressed("10.0.0.1:9001", "", "h3:1"));
    for (int i = 0; i < 20_000; i++) {
      byte[] b;
      if (i % 4 == 2) {
        b = addressedBytes.clone();
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      } else if (i % 2 == 0) {
        b = good.clone();
        b[random.nextInt(b.length)] = (byte) random.nextInt(256);
      } else {
        b = new byte[random.nextInt(40)];
        for (int j = 0; j < b.length; j++) {
          b[j] = (byte) random.nextInt(256);
        }
      }
      try {
        Value.Reconfigure v = MembershipCodec.decode(b);
        assertThat(MembershipCodec.decode(MembershipCodec.encode(v))).isEqualTo(v);
      } catch (IllegalArgumentException expected) {
        // refused with a reason
      }
    }
  }

  private static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
