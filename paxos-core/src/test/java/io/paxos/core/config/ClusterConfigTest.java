package io.paxos.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {

  private static List<Member> allRoles(int... ids) {
    return IntStream.of(ids).mapToObj(Member::allRoles).toList();
  }

  @Test
  @DisplayName("of(...) gives every node all roles and majority quorums of the acceptors")
  void majorityQuorums() {
    assertThat(ClusterConfig.of("c", 1).phase1Quorum()).isEqualTo(1);
    ClusterConfig three = ClusterConfig.of("c", 1, 2, 3);
    assertThat(three.phase1Quorum()).isEqualTo(2);
    assertThat(three.phase2Quorum()).isEqualTo(2);
    ClusterConfig four = ClusterConfig.of("c", 1, 2, 3, 4);
    assertThat(four.phase1Quorum()).isEqualTo(3);
    assertThat(four.phase2Quorum()).isEqualTo(3);
    ClusterConfig five = ClusterConfig.of("c", 1, 2, 3, 4, 5);
    assertThat(five.phase1Quorum()).isEqualTo(3);
    assertThat(five.phase2Quorum()).isEqualTo(3);
  }

  @Test
  @DisplayName("majorities count acceptors only when roles are split across nodes")
  void majoritiesOfAcceptorsOnly() {
    List<Member> members = new ArrayList<>();
    for (int id = 1; id <= 5; id++) {
      members.add(Member.of(id, Role.PROPOSER));
    }
    for (int id = 6; id <= 8; id++) {
      members.add(Member.of(id, Role.ACCEPTOR));
    }
    members.add(Member.of(9, Role.LEARNER));
    members.add(Member.of(10, Role.LEARNER));

    ClusterConfig config = ClusterConfig.withMajorities("split", members);

    assertThat(config.phase1Quorum()).isEqualTo(2);
    assertThat(config.phase2Quorum()).isEqualTo(2);
    assertThat(config.idsWith(Role.ACCEPTOR)).containsExactly(6, 7, 8);
    assertThat(config.idsWith(Role.PROPOSER)).containsExactly(1, 2, 3, 4, 5);
    assertThat(config.idsWith(Role.LEARNER)).containsExactly(9, 10);
    assertThat(config.acceptorIndex(6)).isZero();
    assertThat(config.acceptorIndex(8)).isEqualTo(2);
    assertThat(config.acceptorIndex(1)).isEqualTo(-1);
    assertThat(config.acceptorIndex(99)).isEqualTo(-1);
  }

  @Test
  @DisplayName("flexible quorums with q1 + q2 > acceptors are accepted")
  void flexibleQuorumsAccepted() {
    ClusterConfig config = new ClusterConfig("c", allRoles(1, 2, 3, 4), 3, 2);
    assertThat(config.phase1Quorum()).isEqualTo(3);
    assertThat(config.phase2Quorum()).isEqualTo(2);

    ClusterConfig grid = new ClusterConfig("c", allRoles(1, 2, 3, 4, 5, 6), 5, 2);
    assertThat(grid.phase2Quorum()).isEqualTo(2);
  }

  @Test
  @DisplayName("quorums that need not intersect (q1 + q2 <= acceptors) are refused")
  void nonIntersectingQuorumsRefused() {
    assertThatThrownBy(() -> new ClusterConfig("c", allRoles(1, 2, 3, 4), 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not intersect")
        .hasMessageContaining("4 acceptors");
    assertThatThrownBy(() -> new ClusterConfig("c", allRoles(1, 2, 3, 4, 5), 1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("do not intersect");
    // One more in either quorum and they intersect.
    assertThat(new ClusterConfig("c", allRoles(1, 2, 3, 4, 5), 2, 4).phase1Quorum()).isEqualTo(2);
  }

  @Test
  @DisplayName("quorum sizes outside 1..acceptors are refused")
  void quorumOutOfRangeRefused() {
    assertThatThrownBy(() -> new ClusterConfig("c", allRoles(1, 2, 3), 0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase-1 quorum 0");
    assertThatThrownBy(() -> new ClusterConfig("c", allRoles(1, 2, 3), 4, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase-1 quorum 4");
    assertThatThrownBy(() -> new ClusterConfig("c", allRoles(1, 2, 3), 3, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase-2 quorum 0");
    assertThatThrownBy(() -> new ClusterConfig("c", allRoles(1, 2, 3), 2, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("phase-2 quorum 4");
  }

  @Test
  @DisplayName("duplicate node ids are refused, naming the id")
  void duplicateIdsRefused() {
    List<Member> members =
        List.of(Member.allRoles(1), Member.allRoles(2), Member.of(2, Role.LEARNER));
    assertThatThrownBy(() -> ClusterConfig.withMajorities("c", members))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate node id 2");
    assertThatThrownBy(() -> ClusterConfig.of("c", 3, 1, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("duplicate node id 3");
  }

  @Test
  @DisplayName("a cluster without a proposer, an acceptor or a learner is refused")
  void missingRoleRefused() {
    List<Member> noLearner = List.of(Member.of(1, Role.PROPOSER, Role.ACCEPTOR));
    assertThatThrownBy(() -> ClusterConfig.withMajorities("c", noLearner))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no node hosts the LEARNER role");

    List<Member> noProposer = List.of(Member.of(1, Role.ACCEPTOR, Role.LEARNER));
    assertThatThrownBy(() -> ClusterConfig.withMajorities("c", noProposer))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no node hosts the PROPOSER role");

    List<Member> noAcceptor = List.of(Member.of(1, Role.PROPOSER, Role.LEARNER));
    assertThatThrownBy(() -> new ClusterConfig("c", noAcceptor, 1, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no node hosts the ACCEPTOR role");

    assertThatThrownBy(() -> ClusterConfig.withMajorities("c", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no node hosts");
  }

  @Test
  @DisplayName("a blank or missing cluster id is refused")
  void blankClusterIdRefused() {
    assertThatThrownBy(() -> ClusterConfig.of(" \t", 1, 2, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("clusterId is blank");
    assertThatThrownBy(() -> ClusterConfig.of("", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("blank");
    assertThatThrownBy(() -> ClusterConfig.of(null, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("clusterId");
    assertThatThrownBy(() -> new ClusterConfig("c", null, 1, 1))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("members");
  }

  @Test
  @DisplayName("more acceptors than fit in a vote bitmask are refused")
  void tooManyAcceptorsRefused() {
    int[] ids = IntStream.rangeClosed(1, ClusterConfig.MAX_ACCEPTORS + 1).toArray();
    assertThatThrownBy(() -> ClusterConfig.of("c", ids))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65 acceptors")
        .hasMessageContaining("at most 64");
    int[] max = IntStream.rangeClosed(1, ClusterConfig.MAX_ACCEPTORS).toArray();
    assertThat(ClusterConfig.of("c", max).idsWith(Role.ACCEPTOR)).hasSize(64);
  }

  @Test
  @DisplayName("members are kept in ascending id order, immutably")
  void membersSortedAndImmutable() {
    List<Member> given = new ArrayList<>(allRoles(3, 1, 2));
    ClusterConfig config = ClusterConfig.withMajorities("c", given);
    given.clear();

    assertThat(config.ids()).containsExactly(1, 2, 3);
    assertThat(config.members()).extracting(Member::id).containsExactly(1, 2, 3);
    assertThatThrownBy(() -> config.members().add(Member.allRoles(4)))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(config.contains(2)).isTrue();
    assertThat(config.contains(4)).isFalse();
    assertThat(config.member(2)).contains(Member.allRoles(2));
    assertThat(config.member(4)).isEmpty();
  }

  @Test
  @DisplayName(
      "the fingerprint is pinned: the documented encoding of id, members, roles and quorums")
  void fingerprintIsStable() {
    // Computed independently from the encoding in fingerprint()'s Javadoc.
    assertThat(ClusterConfig.of("kv", 1, 2, 3).fingerprint())
        .isEqualTo("9afbf2f3eb91ae27e49bc7876f4d73ded29e8e4da74831e702edbef154cbc4e9");
    assertThat(ClusterConfig.of("kv", 3, 1, 2).fingerprint())
        .as("members are hashed in id order, whatever order they were given in")
        .isEqualTo(ClusterConfig.of("kv", 1, 2, 3).fingerprint());
  }

  @Test
  @DisplayName(
      "addresses are not part of the fingerprint: the pinned one stays, with or without priorities")
  void addressesLeaveTheFingerprint() {
    ClusterConfig addressed =
        ClusterConfig.withMajorities(
            "kv",
            List.of(
                Member.allRoles(1).withAddress("10.0.0.1:9001"),
                Member.allRoles(2).withAddress("n2.example:9002"),
                Member.allRoles(3)));
    assertThat(addressed.fingerprint())
        .isEqualTo("9afbf2f3eb91ae27e49bc7876f4d73ded29e8e4da74831e702edbef154cbc4e9");
    assertThat(addressed.withPriority(2, 5).fingerprint())
        .isEqualTo(ClusterConfig.of("kv", 1, 2, 3).withPriority(2, 5).fingerprint());
    assertThat(addressed.withPriority(1, 7).member(1).orElseThrow().address())
        .as("a priority change keeps the address")
        .isEqualTo("10.0.0.1:9001");
  }

  @Test
  @DisplayName(
      "leader priorities: part of the fingerprint (v2) when any is set, absent (v1, unchanged)"
          + " when all are 0; ranks count distinct higher priorities of proposers only")
  void priorities() {
    ClusterConfig plain = ClusterConfig.of("kv", 1, 2, 3);
    ClusterConfig zeros = plain.withPriority(2, 0);
    assertThat(zeros.hasPriorities()).isFalse();
    assertThat(zeros.fingerprint()).isEqualTo(plain.fingerprint());

    ClusterConfig ranked = plain.withPriority(2, 5).withPriority(3, 10);
    assertThat(ranked.hasPriorities()).isTrue();
    assertThat(ranked.fingerprint()).isNotEqualTo(plain.fingerprint());
    assertThat(ranked.fingerprint())
        .isNotEqualTo(plain.withPriority(2, 10).withPriority(3, 5).fingerprint());
    assertThat(ranked.fingerprint())
        .isEqualTo(
            ClusterConfig.of("kv", 3, 2, 1).withPriority(3, 10).withPriority(2, 5).fingerprint());
    assertThat(ranked.priority(3)).isEqualTo(10);
    assertThat(ranked.priority(99)).isZero();
    assertThat(ranked.priorityRank(3)).isZero();
    assertThat(ranked.priorityRank(2)).isEqualTo(1);
    assertThat(ranked.priorityRank(1)).isEqualTo(2);
    assertThat(plain.priorityRank(1)).isZero();
    // A priority on a node that cannot lead (no proposer) makes no one wait.
    ClusterConfig acceptorOnly =
        ClusterConfig.withMajorities(
            "kv",
            List.of(
                Member.allRoles(1),
                Member.allRoles(2),
                Member.of(3, Role.ACCEPTOR).withPriority(9)));
    assertThat(acceptorOnly.priorityRank(1)).isZero();
    assertThatThrownBy(() -> plain.withPriority(4, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node 4 is not a member");
  }

  @Test
  @DisplayName("the fingerprint changes with the cluster id, any member, any role or any quorum")
  void fingerprintSeesEveryDifference() {
    ClusterConfig base = ClusterConfig.of("kv", 1, 2, 3);
    List<ClusterConfig> others =
        List.of(
            ClusterConfig.of("kv2", 1, 2, 3),
            ClusterConfig.of("kv", 1, 2, 4),
            ClusterConfig.of("kv", 1, 2, 3, 4),
            ClusterConfig.of("kv", 1, 2),
            new ClusterConfig("kv", allRoles(1, 2, 3), 3, 1),
            new ClusterConfig("kv", allRoles(1, 2, 3), 2, 3),
            new ClusterConfig(
                "kv",
                List.of(
                    Member.allRoles(1),
                    Member.allRoles(2),
                    Member.of(3, Role.ACCEPTOR, Role.LEARNER)),
                2,
                2));
    List<String> prints = new ArrayList<>();
    prints.add(base.fingerprint());
    for (ClusterConfig c : others) {
      prints.add(c.fingerprint());
    }
    assertThat(prints).doesNotHaveDuplicates().allMatch(p -> p.matches("[0-9a-f]{64}"));
  }
}
