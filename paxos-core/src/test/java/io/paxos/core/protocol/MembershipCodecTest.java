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
    byte[] version = good.clone();
    version[0] = 2;
    assertThatThrownBy(() -> MembershipCodec.decode(version)).hasMessageContaining("version");

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

  @Test
  @DisplayName("random and mutated bytes either decode or are refused; nothing else is thrown")
  void randomBytesNeverThrowAnythingElse() {
    SplittableRandom random = new SplittableRandom(22);
    byte[] good = MembershipCodec.encode(TYPICAL);
    for (int i = 0; i < 20_000; i++) {
      byte[] b;
      if (i % 2 == 0) {
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
