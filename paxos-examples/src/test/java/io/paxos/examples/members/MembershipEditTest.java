package io.paxos.examples.members;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.ClusterEpoch;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MembershipEditTest {
  private static final ClusterConfig THREE =
      new ClusterConfig(
          "c",
          List.of(
              new Member(1, EnumSet.allOf(Role.class), 2),
              Member.allRoles(2),
              new Member(3, EnumSet.of(Role.ACCEPTOR, Role.LEARNER))),
          2,
          2);

  private static MembershipEdit edit(Map<Integer, String> add, Set<Integer> remove) {
    return new MembershipEdit(add, remove, OptionalInt.empty(), OptionalInt.empty());
  }

  @Test
  void addKeepsTheMembersAsTheyAreAndTakesMajorities() {
    ClusterConfig next =
        edit(Map.of(5, "10.0.0.5:9000", 4, "10.0.0.4:9000"), Set.of()).apply(THREE);
    assertThat(next.ids()).containsExactly(1, 2, 3, 4, 5);
    assertThat(next.member(1)).contains(THREE.member(1).orElseThrow());
    assertThat(next.member(3)).contains(THREE.member(3).orElseThrow());
    assertThat(next.member(4).orElseThrow().address()).isEqualTo("10.0.0.4:9000");
    assertThat(next.member(4).orElseThrow().roles()).isEqualTo(EnumSet.allOf(Role.class));
    assertThat(next.phase1Quorum()).isEqualTo(3);
    assertThat(next.phase2Quorum()).isEqualTo(3);
    assertThat(next.clusterId()).isEqualTo("c");
  }

  @Test
  void replaceIsOneChangeAndQuorumsMayBeGiven() {
    ClusterConfig next =
        new MembershipEdit(Map.of(4, "h:1"), Set.of(2), OptionalInt.of(3), OptionalInt.of(1))
            .apply(THREE);
    assertThat(next.ids()).containsExactly(1, 3, 4);
    assertThat(next.phase1Quorum()).isEqualTo(3);
    assertThat(next.phase2Quorum()).isEqualTo(1);
    // An id may be removed and added back in one change: it moves to the address given.
    assertThat(edit(Map.of(2, "h:2"), Set.of(2)).apply(THREE).member(2).orElseThrow().address())
        .isEqualTo("h:2");
  }

  @Test
  void refusesWhatCannotBeDone() {
    assertThatThrownBy(() -> edit(Map.of(), Set.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nothing to change");
    assertThatThrownBy(
            () -> new MembershipEdit(Map.of(), Set.of(1), OptionalInt.of(1), OptionalInt.empty()))
        .hasMessageContaining("both quorums");
    assertThatThrownBy(() -> edit(Map.of(2, "h:2"), Set.of()).apply(THREE))
        .hasMessageContaining("node 2 is a member already");
    assertThatThrownBy(() -> edit(Map.of(), Set.of(9)).apply(THREE))
        .hasMessageContaining("node 9 is not a member");
    assertThatThrownBy(() -> edit(Map.of(), Set.of(1, 2, 3)).apply(THREE))
        .hasMessageContaining("every member");
    assertThatThrownBy(() -> edit(Map.of(4, "has space:1"), Set.of()).apply(THREE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new MembershipEdit(Map.of(), Set.of(1), OptionalInt.of(1), OptionalInt.of(1))
                    .apply(THREE))
        .as("quorums that do not intersect")
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void describesAMembershipWithTheAddressesKnown() {
    ClusterConfig next = edit(Map.of(4, "10.0.0.4:9000"), Set.of(2)).apply(THREE);
    assertThat(MembershipEdit.describe(new ClusterEpoch(1, next, 17), Map.of(1, "10.0.0.1:9000")))
        .isEqualTo(
            String.format(
                "epoch 1 from slot 17: 3 members, quorums 2/2 of 3 acceptors%n"
                    + "  1 10.0.0.1:9000 proposer,acceptor,learner%n"
                    + "  3 - acceptor,learner%n"
                    + "  4 10.0.0.4:9000 proposer,acceptor,learner%n"));
  }
}
