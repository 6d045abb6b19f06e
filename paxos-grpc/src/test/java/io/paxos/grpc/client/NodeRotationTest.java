package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.paxos.core.Consistency;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ClientReply;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Which node gets the next attempt: the rotation, leader hints, suspicion and recovery. Nothing
 * here touches the network or reads the clock: the connections are never flushed, the time is
 * passed in, and asking who leads only counts.
 */
class NodeRotationTest {
  private static final Endpoint E1 = new Endpoint("127.0.0.1", 1);
  private static final Endpoint E2 = new Endpoint("127.0.0.1", 2);
  private static final Endpoint E3 = new Endpoint("127.0.0.1", 3);
  private static final Map<Integer, Endpoint> MEMBERS = Map.of(1, E1, 2, E2, 3, E3);
  private static final long T = TimeUnit.SECONDS.toNanos(1_000);
  private static final long WAIT = TimeUnit.MILLISECONDS.toNanos(500);
  private static final int[] NO_MEMBER = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 4};

  private final ClientLoop loop = new ClientLoop("test-client", () -> {}); // never started
  private final NodeConnection.Listener ignore =
      new NodeConnection.Listener() {
        @Override
        public void onReply(NodeConnection from, ClientReply reply, Call call) {}

        @Override
        public void onSessionEnded(NodeConnection from, Status status, Iterable<Call> lost) {}
      };
  private int asked;
  private final NodeRotation rotation =
      new NodeRotation(
          List.of(E1, E2, E3),
          e -> new NodeConnection(e, loop, InsecureChannelCredentials.create(), ignore),
          new SplittableRandom(1),
          () -> asked++);
  private final NodeConnection n1 = rotation.nodes().get(0);
  private final NodeConnection n2 = rotation.nodes().get(1);
  private final NodeConnection n3 = rotation.nodes().get(2);

  /** Every node reports itself and that {@code leaderId} leads, as status replies would. */
  private void statusReplies(int leaderId) {
    for (int i = 0; i < 3; i++) {
      rotation.learned(rotation.nodes().get(i), i + 1, leaderId, MEMBERS);
    }
  }

  private List<NodeConnection> commands(int count, long now) {
    List<NodeConnection> to = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      to.add(rotation.forCommand(now));
    }
    return to;
  }

  private List<NodeConnection> reads(Consistency c, int count, long now) {
    List<NodeConnection> to = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      to.add(rotation.forRead(c, now));
    }
    return to;
  }

  @Test
  void withoutALeaderCommandsGoToEachNodeInTurnAndAskWhoLeads() {
    assertThat(commands(6, T)).containsExactly(n1, n2, n3, n1, n2, n3);
    assertThat(asked).isEqualTo(6);
    assertThat(reads(Consistency.LINEARIZABLE, 3, T)).containsExactly(n1, n2, n3);
  }

  @Test
  void aKnownLeaderTakesEveryCommandWithoutAsking() {
    statusReplies(2);
    assertThat(rotation.leader()).isSameAs(n2);
    assertThat(commands(4, T)).containsOnly(n2);
    assertThat(asked).isZero();
  }

  @Test
  void readsGoToLearnersInTurnAndSequentialReadsStayOnOneUntilItLags() {
    rotation.learned(
        n1,
        1,
        0,
        MEMBERS,
        Map.of(
            1, EnumSet.of(Role.PROPOSER, Role.ACCEPTOR),
            2, Set.of(Role.LEARNER),
            3, Set.of(Role.LEARNER)));
    assertThat(reads(Consistency.LINEARIZABLE, 4, T)).containsExactly(n2, n3, n2, n3);
    assertThat(reads(Consistency.STALE, 2, T)).containsExactly(n2, n3);
    NodeConnection sequential = rotation.forRead(Consistency.SEQUENTIAL, T);
    assertThat(reads(Consistency.SEQUENTIAL, 4, T)).containsOnly(sequential);
    rotation.lagging(sequential == n2 ? n3 : n2); // another node's lag moves nothing
    assertThat(rotation.forRead(Consistency.SEQUENTIAL, T)).isSameAs(sequential);
    rotation.lagging(sequential);
    NodeConnection next = rotation.forRead(Consistency.SEQUENTIAL, T);
    assertThat(next).isIn(n2, n3).isNotSameAs(sequential);
    // Without a leader, commands go to the proposer first.
    assertThat(commands(3, T)).containsOnly(n1);
  }

  @Test
  void aNodeThatIsNoLearnerLeavesTheReadRotation() {
    rotation.notLearner(n2);
    assertThat(asked).isEqualTo(1);
    assertThat(reads(Consistency.LINEARIZABLE, 4, T)).containsExactly(n1, n3, n1, n3);
    assertThat(reads(Consistency.SEQUENTIAL, 4, T)).doesNotContain(n2);
  }

  @Test
  void aNotLeaderHintMovesTheNextAttemptToTheNamedNode() {
    statusReplies(1);
    assertThat(rotation.notLeader(n1, 3)).isTrue();
    assertThat(rotation.leader()).isSameAs(n3);
    assertThat(commands(3, T)).containsOnly(n3);
    assertThat(asked).isZero();
  }

  @Test
  void aNotLeaderHintNamingTheRefusingNodeItselfForgetsItAndAsks() {
    statusReplies(1);
    assertThat(rotation.notLeader(n1, 1)).isFalse();
    assertThat(rotation.leader()).isNull();
    assertThat(asked).isEqualTo(1);
  }

  @Test
  void aHintNamingNoKnownMemberMovesNothing() {
    for (int hint : NO_MEMBER) {
      statusReplies(1);
      int before = asked;
      // A follower's refusal: the leader stays; the client asks who leads and retries later.
      assertThat(rotation.notLeader(n2, hint)).as("hint %d", hint).isFalse();
      assertThat(rotation.leader()).as("hint %d", hint).isSameAs(n1);
      // A result from the leader.
      rotation.resultHint(n1, hint, T);
      assertThat(rotation.leader()).as("hint %d", hint).isSameAs(n1);
      // A status reply.
      rotation.learned(n2, 2, hint, MEMBERS);
      assertThat(rotation.leader()).as("hint %d", hint).isSameAs(n1);
      // The leader's own refusal: it leads no more.
      assertThat(rotation.notLeader(n1, hint)).as("hint %d", hint).isFalse();
      assertThat(rotation.leader()).as("hint %d", hint).isNull();
      // Two refusals ask; a result asks where the named node is unless it names none (0).
      assertThat(asked - before).as("hint %d", hint).isEqualTo(hint == 0 ? 2 : 3);
    }
    assertThat(rotation.nodes()).containsExactly(n1, n2, n3);
  }

  @Test
  void aResultsHintCountsFromTheLeaderOrWhileTheLeaderIsSkipped() {
    statusReplies(1);
    rotation.resultHint(n2, 3, T); // a follower's hint, maybe stale: ignored
    assertThat(rotation.leader()).isSameAs(n1);
    rotation.resultHint(n1, 2, T); // the leader's own
    assertThat(rotation.leader()).isSameAs(n2);
    rotation.suspect(n2, T + 2 * WAIT);
    rotation.resultHint(n1, 2, T + WAIT); // a hint naming a node still skipped: not followed
    assertThat(rotation.leader()).isNull();
    rotation.resultHint(n1, 3, T + WAIT);
    assertThat(rotation.leader()).isSameAs(n3);
  }

  @Test
  void aSuspectedNodeIsSkippedUntilItsTimeThenTriedAgainInTurn() {
    statusReplies(1);
    assertThat(rotation.forRead(Consistency.SEQUENTIAL, T)).isSameAs(n1);
    rotation.suspect(n1, T + 2 * WAIT);
    rotation.suspect(n1, T + WAIT); // a shorter suspicion does not end a longer one
    assertThat(rotation.leader()).isNull();
    assertThat(asked).isEqualTo(2);
    assertThat(commands(6, T + WAIT)).doesNotContain(n1);
    assertThat(reads(Consistency.SEQUENTIAL, 3, T + WAIT)).doesNotContain(n1);
    assertThat(commands(3, T + 2 * WAIT - 1)).doesNotContain(n1);
    assertThat(commands(3, T + 2 * WAIT)).contains(n1); // recovered: its turn comes again
  }

  @Test
  void suspicionHoldsAcrossTheWrapOfNanoTime() {
    long now = Long.MAX_VALUE - WAIT;
    rotation.suspect(n1, now - WAIT); // an earlier suspicion, long over
    assertThat(n1.isDown(now)).isFalse();
    rotation.suspect(n1, now + 2 * WAIT); // overflows to a negative value: still later
    assertThat(n1.isDown(now)).isTrue();
    assertThat(n1.isDown(now + 2 * WAIT - 1)).isTrue();
    assertThat(commands(4, now + WAIT)).doesNotContain(n1);
    assertThat(n1.isDown(now + 2 * WAIT)).isFalse();
  }

  @Test
  void aFailedNodeBacksOffLongerWithEachFailureUntilItAnswers() {
    statusReplies(1);
    rotation.markDown(n1, T);
    assertThat(rotation.leader()).isNull();
    assertThat(asked).isEqualTo(1);
    assertThat(n1.downUntilNanos - T).isBetween(ms(25), ms(50));
    for (int i = 0; i < 100; i++) {
      rotation.markDown(n1, T);
      assertThat(n1.downUntilNanos - T).isBetween(ms(25), ms(2_000));
    }
    assertThat(n1.downUntilNanos - T).isBetween(ms(1_000), ms(2_000)); // capped
    assertThat(commands(4, T + ms(999))).doesNotContain(n1);
    assertThat(commands(3, T + ms(2_000))).contains(n1);
    rotation.answered(n1, T + ms(2_000));
    assertThat(n1.failures).isZero();
    rotation.markDown(n1, T + ms(3_000)); // starts over
    assertThat(n1.downUntilNanos - T - ms(3_000)).isBetween(ms(25), ms(50));
  }

  @Test
  void statusRepliesAddMembersOnceAndOnlyNewOnes() {
    Endpoint e4 = new Endpoint("127.0.0.1", 4);
    Map<Integer, Endpoint> grown = Map.of(1, E1, 2, E2, 3, E3, 4, e4);
    rotation.learned(n1, 1, 4, grown);
    rotation.learned(n2, 2, 4, grown);
    assertThat(rotation.nodes()).hasSize(4);
    NodeConnection n4 = rotation.nodes().get(3);
    assertThat(n4.endpoint).isEqualTo(e4);
    assertThat(rotation.leader()).isSameAs(n4);
    assertThat(rotation.connection(e4)).isSameAs(n4);
    assertThat(rotation.connection(E2)).isSameAs(n2);
    assertThat(rotation.describe()).isEqualTo("127.0.0.1:1, 127.0.0.1:2, 127.0.0.1:3, 127.0.0.1:4");
  }

  private static long ms(long millis) {
    return TimeUnit.MILLISECONDS.toNanos(millis);
  }
}
