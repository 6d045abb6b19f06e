package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a node that does not lead knows it cannot reach a quorum. */
class QuorumContactTest {
  private static final long WINDOW = 600;
  private final Set<Integer> reachable = new HashSet<>();

  private QuorumContact contact(int nodeId, ClusterConfig config) {
    return new QuorumContact(nodeId, config, WINDOW, 0, reachable::contains);
  }

  private final ClusterConfig five = ClusterConfig.of("c", 1, 2, 3, 4, 5);

  @Test
  void nothingIsKnownDuringTheFirstWindow() {
    QuorumContact q = contact(1, five);
    assertThat(q.unreachable(WINDOW, false, 0)).isNull();
    assertThat(q.unreachable(WINDOW + 1, false, 0)).contains("1 of the 5 acceptors (3 needed)");
  }

  @Test
  void aLeaderNeverRefuses() {
    assertThat(contact(1, five).unreachable(Long.MAX_VALUE, true, 1)).isNull();
  }

  @Test
  void aLeaderHeardWithinTheWindowIsEnoughAndOneHeardBeforeIsNot() {
    QuorumContact q = contact(1, five);
    q.heard(4, 1_000);
    assertThat(q.unreachable(1_000 + WINDOW, false, 4)).isNull();
    assertThat(q.unreachable(1_000 + WINDOW + 1, false, 4)).contains("has not heard from leader 4");
    assertThat(q.unreachable(1_000 + WINDOW, false, 0)).as("4 is not the leader").isNotNull();
  }

  @Test
  void aQuorumOfAcceptorsInContactIsEnough() {
    QuorumContact q = contact(1, five);
    q.heard(2, 1_000);
    assertThat(q.unreachable(1_000, false, 0)).contains("2 of the 5");
    q.heard(3, 1_000);
    assertThat(q.unreachable(1_000, false, 0)).isNull();
    q.heard(1, 1_000); // a loopback message from itself counts once
    q.heard(99, 1_000); // not a member
    assertThat(q.unreachable(1_000 + WINDOW + 1, false, 0)).contains("1 of the 5");
  }

  @Test
  void aPeerTheTransportReportsReachableCounts() {
    QuorumContact q = contact(1, five);
    reachable.add(2);
    reachable.add(5);
    assertThat(q.unreachable(10_000, false, 0)).isNull();
    reachable.remove(5);
    assertThat(q.unreachable(10_000, false, 0)).contains("2 of the 5");
  }

  @Test
  void aNodeWithoutAnAcceptorDoesNotCountItself() {
    ClusterConfig split =
        ClusterConfig.withMajorities(
            "s",
            List.of(
                new Member(1, Set.of(Role.PROPOSER, Role.LEARNER)),
                new Member(2, Set.of(Role.ACCEPTOR)),
                new Member(3, Set.of(Role.ACCEPTOR)),
                new Member(4, Set.of(Role.ACCEPTOR))));
    QuorumContact q = contact(1, split);
    q.heard(2, 1_000);
    assertThat(q.unreachable(1_000, false, 0)).contains("1 of the 3 acceptors (2 needed)");
    q.heard(3, 1_000);
    assertThat(q.unreachable(1_000, false, 0)).isNull();
  }
}
