package io.paxos.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MemberTest {

  @Test
  @DisplayName("node ids outside 1..MAX_ID are refused with the valid range in the message")
  void idOutOfRangeRefused() {
    for (int bad : new int[] {0, -1, Member.MAX_ID + 1, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> Member.allRoles(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("node id " + bad + " is out of range")
          .hasMessageContaining("between 1 and 65535");
    }
    assertThat(Member.allRoles(1).id()).isEqualTo(1);
    assertThat(Member.allRoles(Member.MAX_ID).id()).isEqualTo(Member.MAX_ID);
  }

  @Test
  @DisplayName(
      "leader priorities outside 0..MAX_PRIORITY are refused in one line naming the node and range;"
          + " the default is 0 (none)")
  void priorityOutOfRangeRefused() {
    for (int bad : new int[] {-1, Member.MAX_PRIORITY + 1, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
      assertThatThrownBy(() -> Member.allRoles(3).withPriority(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "priority "
                  + bad
                  + " of node 3 is out of range: use 0 (none) to "
                  + Member.MAX_PRIORITY);
    }
    assertThat(Member.allRoles(3).priority()).isZero();
    assertThat(Member.allRoles(3).withPriority(0).priority()).isZero();
    assertThat(Member.allRoles(3).withPriority(Member.MAX_PRIORITY).priority())
        .isEqualTo(Member.MAX_PRIORITY);
  }

  @Test
  @DisplayName("a node hosting no role is refused")
  void noRoleRefused() {
    assertThatThrownBy(() -> new Member(4, Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 4 hosts no role");
    assertThatThrownBy(() -> new Member(4, null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("roles");
  }

  @Test
  @DisplayName("roles are copied: changing the given set later does not change the member")
  void rolesCopied() {
    EnumSet<Role> roles = EnumSet.of(Role.ACCEPTOR);
    Member m = new Member(2, roles);
    roles.add(Role.PROPOSER);

    assertThat(m.has(Role.ACCEPTOR)).isTrue();
    assertThat(m.has(Role.PROPOSER)).isFalse();
    assertThatThrownBy(() -> m.roles().add(Role.LEARNER))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(Member.allRoles(1).roles()).containsExactlyInAnyOrder(Role.values());
    assertThat(Member.of(1, Role.LEARNER, Role.PROPOSER).roles())
        .containsExactlyInAnyOrder(Role.LEARNER, Role.PROPOSER);
  }

  @Test
  @DisplayName(
      "an address is empty by default, kept by withPriority, up to 255 printable ASCII characters;"
          + " 256, a space, a control or non-ASCII character and null are refused in one line")
  void addresses() {
    assertThat(Member.allRoles(1).address()).isEmpty();
    assertThat(new Member(1, Set.of(Role.LEARNER)).address()).isEmpty();
    assertThat(new Member(1, Set.of(Role.LEARNER), 3).address()).isEmpty();
    Member m = Member.allRoles(1).withAddress("10.0.0.1:9001").withPriority(4);
    assertThat(m.address()).isEqualTo("10.0.0.1:9001");
    assertThat(m).isEqualTo(new Member(1, EnumSet.allOf(Role.class), 4, "10.0.0.1:9001"));
    assertThat(m.withAddress("")).isEqualTo(Member.allRoles(1).withPriority(4));
    String longest = "a".repeat(Member.MAX_ADDRESS_CHARS - 5) + ":9001";
    assertThat(Member.allRoles(1).withAddress(longest).address()).hasSize(255);
    assertThat(Member.allRoles(1).withAddress("!~").address()).isEqualTo("!~");

    assertThatThrownBy(() -> Member.allRoles(7).withAddress(longest + "1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("address of node 7 has 256 characters; at most 255");
    for (String bad :
        new String[] {"host 1:9001", "host:9001\n", "h\u00e9te:1", "\u0000", "\u007f"}) {
      assertThatThrownBy(() -> Member.allRoles(7).withAddress(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("address of node 7 has character U+")
          .hasMessageContaining("printable ASCII without spaces")
          .hasMessageNotContaining("\n");
    }
    assertThatThrownBy(() -> Member.allRoles(7).withAddress(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("address");
  }
}
