package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.NO_JITTER;
import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.sent;
import static io.paxos.core.protocol.Probe.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.Member;
import io.paxos.core.config.Role;
import io.paxos.core.protocol.Message.Accept;
import io.paxos.core.protocol.Message.Accepted;
import io.paxos.core.protocol.Message.CatchUpReply;
import io.paxos.core.protocol.Message.CatchUpRequest;
import io.paxos.core.protocol.Message.Forward;
import io.paxos.core.protocol.Message.ForwardRejected;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.Nack;
import io.paxos.core.protocol.Message.Prepare;
import io.paxos.core.protocol.Message.Promise;
import io.paxos.core.protocol.Message.ReadIndexReply;
import io.paxos.core.protocol.Message.ReadIndexRequest;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.Delivery;
import io.paxos.core.protocol.Outbox.ReadIndex;
import io.paxos.core.protocol.Outbox.Rejection;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProtocolNodeTest extends ProtocolNodeFixture {

  @Test
  @DisplayName("a node id that is not in the configuration is refused, naming the members")
  void refusesNonMember() {
    assertThatThrownBy(() -> node(7, THREE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node id 7 is not a member of cluster test")
        .hasMessageContaining("[1, 2, 3]");
  }

  @Test
  @DisplayName(
      "a node restarted from durable state keeps its promise, its accepted values, its rounds and"
          + " delivers after the chosen values it had stored")
  void restartsFromDurableState() {
    DurableState state =
        new DurableState(
            b(4, 2),
            List.of(new AcceptedEntry(3, b(4, 2), value(3))),
            6,
            List.of(value(1), value(2)));
    ProtocolNode n = new ProtocolNode(1, THREE, OPTIONS, NO_JITTER, state, RoleFactory.DEFAULT);

    assertThat(n.acceptor().orElseThrow().promised()).isEqualTo(b(4, 2));
    assertThat(n.learner().orElseThrow().nextSlot()).isEqualTo(3);
    n.receive(new Prepare(3, b(3, 3), 1), 0, out);
    assertThat(onlyTo(out, 3, Nack.class).promised()).isEqualTo(b(4, 2));
    out.clear();

    n.tick(0, out);
    n.tick(TIMEOUT, out);
    Prepare prepare = onlyTo(out, 2, Prepare.class);
    assertThat(prepare.ballot()).isEqualTo(b(7, 1));
    assertThat(prepare.fromSlot()).isEqualTo(3);
    out.clear();

    n.receive(prepare, TIMEOUT, out);
    assertThat(onlyTo(out, 1, Promise.class).accepted())
        .containsExactly(new AcceptedEntry(3, b(4, 2), value(3)));
  }

  @Nested
  @DisplayName("routing by role")
  class Routing {
    private final ClusterConfig split =
        ClusterConfig.withMajorities(
            "split",
            List.of(
                Member.of(1, Role.PROPOSER),
                Member.of(2, Role.ACCEPTOR),
                Member.of(3, Role.LEARNER)));

    @Test
    @DisplayName("a node hosts exactly the roles its member entry names")
    void hostsConfiguredRoles() {
      ProtocolNode proposerOnly = node(1, split);
      ProtocolNode acceptorOnly = node(2, split);
      ProtocolNode learnerOnly = node(3, split);

      assertThat(proposerOnly.proposer()).isPresent();
      assertThat(proposerOnly.acceptor()).isEmpty();
      assertThat(proposerOnly.learner()).isEmpty();
      assertThat(acceptorOnly.acceptor()).isPresent();
      assertThat(acceptorOnly.proposer()).isEmpty();
      assertThat(learnerOnly.learner()).isPresent();
      assertThat(learnerOnly.acceptor()).isEmpty();
      assertThat(node(1, THREE).acceptor()).isPresent();
      assertThat(node(1, THREE).learner()).isPresent();
    }

    @Test
    @DisplayName("a Prepare reaches the acceptor; nodes without one ignore it")
    void prepareToAcceptor() {
      Prepare prepare = new Prepare(1, b(1, 1), 1);

      node(2, split).receive(prepare, 0, out);
      assertThat(onlyTo(out, 1, Promise.class).ballot()).isEqualTo(b(1, 1));
      out.clear();

      node(3, split).receive(prepare, 0, out);
      node(1, split).receive(prepare, 0, out);
      assertThat(out.isEmpty()).isTrue();
    }

    @Test
    @DisplayName("an Accept reaches the acceptor (which votes) and the learner (which delivers)")
    void acceptToAcceptorAndLearner() {
      Accept accept = new Accept(1, b(1, 1), 1, List.of(value(1)), 0);
      Heartbeat commit = new Heartbeat(1, b(1, 1), 2, 1);

      ProtocolNode acceptorOnly = node(2, split);
      acceptorOnly.receive(accept, 0, out);
      assertThat(onlyTo(out, 1, Accepted.class)).isEqualTo(new Accepted(2, b(1, 1), 1, 1));
      acceptorOnly.receive(commit, 0, out);
      assertThat(out.deliveries()).isEmpty();
      out.clear();

      ProtocolNode learnerOnly = node(3, split);
      learnerOnly.receive(accept, 0, out);
      learnerOnly.receive(commit, 0, out);
      assertThat(sent(out)).isEmpty();
      assertThat(out.deliveries()).containsExactly(new Delivery(1, value(1)));
    }

    @Test
    @DisplayName("a node learns who leads from a leader's heartbeat")
    void leaderHintFromHeartbeat() {
      ProtocolNode learnerOnly = node(3, split);
      assertThat(learnerOnly.leaderHint()).isZero();

      learnerOnly.receive(new Heartbeat(1, b(1, 1), 1, 1), 0, out);

      assertThat(learnerOnly.leaderHint()).isEqualTo(1);
      assertThat(node(1, THREE).isLeader()).isFalse();
    }
  }

  @Nested
  @DisplayName("forwarding commands")
  class Forwarding {

    @Test
    @DisplayName(
        "a follower forwards submitted commands to the leader it knows, in one Forward at the"
            + " flush")
    void forwardsToLeaderHint() {
      ProtocolNode follower = following(2, THREE, 3);

      follower.submit(cmd(2, 1), 0, out);
      follower.submit(cmd(2, 2), 0, out);
      assertThat(sent(out)).isEmpty();
      follower.flush(0, out);

      assertThat(onlyTo(out, 3, Forward.class))
          .isEqualTo(new Forward(2, b(1, 3), List.of(cmd(2, 1), cmd(2, 2))));
      assertThat(sent(out)).hasSize(1);
      assertThat(out.abandoned()).isEmpty();
    }

    @Test
    @DisplayName(
        "a command submitted while no leader is known waits, and is forwarded once one is heard")
    void noLeaderKnownWaitsForOne() {
      ProtocolNode n = node(2, THREE);
      n.submit(cmd(2, 1), 0, out);
      n.flush(0, out);
      assertThat(out.abandoned()).isEmpty();
      assertThat(sent(out)).isEmpty();

      n.receive(new Heartbeat(3, b(1, 3), 1, 1), 10, out);
      out.clear();
      n.flush(10, out);

      assertThat(Probe.onlyTo(out, 3, Forward.class).commands()).containsExactly(cmd(2, 1));
      assertThat(out.abandoned()).isEmpty();
    }

    @Test
    @DisplayName("commands waiting for a leader are bounded: beyond the bound they are refused")
    void waitingForALeaderIsBounded() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(Member.of(1, Role.PROPOSER, Role.ACCEPTOR), Member.of(2, Role.LEARNER)));
      ProtocolNode learnerOnly = node(2, split);
      for (int i = 0; i < ProtocolNode.MAX_PARKED; i++) {
        learnerOnly.submit(cmd(2, i), 0, out);
      }
      assertThat(out.abandoned()).isEmpty();

      learnerOnly.submit(cmd(2, ProtocolNode.MAX_PARKED), 0, out);

      assertThat(out.abandoned())
          .containsExactly(
              new Abandoned(List.of(cmd(2, ProtocolNode.MAX_PARKED)), Rejection.OVERLOADED, 0));
      assertThat(sent(out)).isEmpty();
    }

    @Test
    @DisplayName(
        "a non-leader that receives forwarded commands sends them back to their origin as"
            + " ForwardRejected with its leader hint, instead of dropping them")
    void forwardRejectedToOrigin() {
      ProtocolNode follower = following(2, THREE, 3);

      follower.receive(new Forward(1, b(1, 2), List.of(cmd(1, 1), cmd(1, 2))), 0, out);

      List<ForwardRejected> rejected = Probe.sentTo(out, 1, ForwardRejected.class);
      assertThat(rejected).isNotEmpty().allSatisfy(r -> assertThat(r.leaderHint()).isEqualTo(3));
      assertThat(rejected).allSatisfy(r -> assertThat(r.from()).isEqualTo(2));
      assertThat(rejected.stream().flatMap(r -> r.commands().stream()))
          .containsExactlyInAnyOrder(cmd(1, 1), cmd(1, 2));
      assertThat(sent(out)).hasSameSizeAs(rejected);
      assertThat(out.abandoned()).isEmpty();
    }

    @Test
    @DisplayName("the origin hands rejected commands back to its caller with the hint")
    void forwardRejectedAbandonedAtOrigin() {
      ProtocolNode origin = node(1, THREE);

      origin.receive(new ForwardRejected(2, List.of(cmd(1, 1)), Rejection.NOT_LEADER, 3), 0, out);

      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 3));
      assertThat(sent(out)).isEmpty();
    }

    @Test
    @DisplayName(
        "when a leader steps down, queued commands of other origins go back to them and its own"
            + " stay with its caller")
    void stepDownSplitsAbandonedByOrigin() {
      MiniCluster cluster = new MiniCluster(THREE);
      cluster.elect(1);
      ProtocolNode leader = cluster.nodes.get(1);
      Ballot ballot = leader.proposer().orElseThrow().ballot();
      leader.submit(cmd(1, 1), TIMEOUT, out);
      leader.receive(new Forward(2, ballot, List.of(cmd(2, 1))), TIMEOUT, out);
      leader.receive(new Forward(3, ballot, List.of(cmd(3, 1))), TIMEOUT, out);
      assertThat(out.isEmpty()).isTrue();

      leader.receive(new Nack(2, ballot, b(9, 2)), TIMEOUT, out);

      assertThat(out.abandoned())
          .containsExactly(new Abandoned(List.of(cmd(1, 1)), Rejection.NOT_LEADER, 2));
      assertThat(onlyTo(out, 2, ForwardRejected.class).commands()).containsExactly(cmd(2, 1));
      assertThat(onlyTo(out, 3, ForwardRejected.class))
          .isEqualTo(new ForwardRejected(1, List.of(cmd(3, 1)), Rejection.NOT_LEADER, 2));
    }

    @Test
    @DisplayName(
        "a command submitted at a follower is forwarded, chosen and delivered by every learner")
    void endToEnd() {
      MiniCluster cluster = new MiniCluster(THREE);
      cluster.elect(1);

      cluster.submit(2, cmd(2, 1));
      cluster.run();

      for (int id = 1; id <= 3; id++) {
        assertThat(cluster.delivered.get(id))
            .as("node %d", id)
            .containsExactly(new Delivery(1, batch(cmd(2, 1))));
        assertThat(cluster.abandoned.get(id)).isEmpty();
      }
    }
  }

  @Nested
  @DisplayName("delivered values kept packed")
  class KeptPacked {

    @Test
    @DisplayName(
        "every node keeps a delivered value packed, its learner and acceptor sharing the one copy,"
            + " and a new leader's Promise still reports it")
    void learnerAndAcceptorShareOnePackedCopy() {
      MiniCluster cluster = new MiniCluster(THREE);
      cluster.elect(1);
      cluster.submit(2, cmd(2, 1));
      cluster.submit(1, cmd(1, 1));
      cluster.run();

      for (int id = 1; id <= 3; id++) {
        ProtocolNode n = cluster.nodes.get(id);
        for (Delivery d : cluster.delivered.get(id)) {
          Value kept = n.learner().orElseThrow().delivered(d.slot()).orElseThrow();
          assertThat(kept).as("node %d slot %d", id, d.slot()).isEqualTo(d.value());
          assertThat(kept.commands()).isInstanceOf(PackedCommands.class);
          AcceptedEntry entry = n.acceptor().orElseThrow().accepted(d.slot()).orElseThrow();
          assertThat(entry.value()).as("node %d slot %d", id, d.slot()).isSameAs(kept);
        }
      }
      assertThat(cluster.delivered.get(3)).hasSize(2);

      ProtocolNode acceptor = cluster.nodes.get(3);
      acceptor.receive(new Prepare(2, b(9, 2), 1), 2 * TIMEOUT + 1, out); // past its loyalty
      assertThat(onlyTo(out, 2, Promise.class).accepted())
          .extracting(AcceptedEntry::value)
          .containsExactlyElementsOf(
              cluster.delivered.get(3).stream().map(Delivery::value).toList());
    }
  }

  @Nested
  @DisplayName("read index")
  class ReadIndexPath {

    @Test
    @DisplayName("a follower asks the leader it knows for a read index")
    void followerAsksLeader() {
      ProtocolNode follower = following(2, THREE, 3);

      follower.read(9, 0, out);

      assertThat(onlyTo(out, 3, ReadIndexRequest.class)).isEqualTo(new ReadIndexRequest(2, 9));
      assertThat(out.readIndexes()).isEmpty();
    }

    @Test
    @DisplayName("a lease read's id keeps its lease bit on its way to the leader")
    void leaseBitTravels() {
      ProtocolNode follower = following(2, THREE, 3);
      long id = 9 | ProtocolNode.LEASE_READ;

      follower.read(id, 0, out);

      assertThat(onlyTo(out, 3, ReadIndexRequest.class)).isEqualTo(new ReadIndexRequest(2, id));
    }

    @Test
    @DisplayName("a read where no leader is known is refused at once")
    void noLeaderRefused() {
      node(2, THREE).read(9, 0, out);

      assertThat(out.readIndexes()).containsExactly(new ReadIndex(9, false, 0, 0));
    }

    @Test
    @DisplayName("a node without a proposer answers a ReadIndexRequest with a refusal and its hint")
    void nodeWithoutProposerRefuses() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(Member.of(1, Role.PROPOSER, Role.LEARNER), Member.of(2, Role.ACCEPTOR)));
      ProtocolNode acceptorOnly = following(2, split, 1);

      acceptorOnly.receive(new ReadIndexRequest(1, 4), 0, out);

      assertThat(onlyTo(out, 1, ReadIndexReply.class))
          .isEqualTo(new ReadIndexReply(2, 4, false, 0, 1));
    }

    @Test
    @DisplayName("a ReadIndexReply becomes a read-index result for the caller")
    void replyBecomesResult() {
      node(2, THREE).receive(new ReadIndexReply(1, 9, true, 5, 1), 0, out);

      assertThat(out.readIndexes()).containsExactly(new ReadIndex(9, true, 5, 1));
    }

    @Test
    @DisplayName(
        "a read at a follower is confirmed by the leader's quorum round and answered with the"
            + " leader's read index")
    void endToEnd() {
      MiniCluster cluster = new MiniCluster(THREE);
      cluster.elect(1);
      cluster.submit(1, cmd(1, 1));
      cluster.run();

      cluster.read(2, 9);
      cluster.run();

      assertThat(cluster.reads.get(2)).containsExactly(new ReadIndex(9, true, 2, 1));
      cluster.read(1, 10);
      cluster.run();
      assertThat(cluster.reads.get(1)).containsExactly(new ReadIndex(10, true, 2, 1));
    }
  }

  @Nested
  @DisplayName("catch-up")
  class CatchUpServing {

    @Test
    @DisplayName("a CatchUpRequest is answered with the values this node delivered, and only those")
    void servesDeliveredValues() {
      ProtocolNode n = node(1, THREE);
      n.receive(new Accept(2, b(1, 2), 1, List.of(value(1), value(2), value(3)), 3), 0, out);
      out.clear();

      n.receive(new CatchUpRequest(3, 1, 10), 0, out);

      assertThat(onlyTo(out, 3, CatchUpReply.class))
          .isEqualTo(new CatchUpReply(1, 1, List.of(value(1), value(2))));
      out.clear();
      n.receive(new CatchUpRequest(3, 2, 1), 0, out);
      assertThat(onlyTo(out, 3, CatchUpReply.class).values()).containsExactly(value(2));
      out.clear();

      n.receive(new CatchUpRequest(3, 3, 10), 0, out);
      assertThat(sent(out)).isEmpty();
    }

    @Test
    @DisplayName("a leader without a learner serves catch-up from the values it saw chosen")
    void leaderServesCommittedValues() {
      ClusterConfig split =
          ClusterConfig.withMajorities(
              "split",
              List.of(
                  Member.of(1, Role.PROPOSER, Role.ACCEPTOR),
                  Member.of(2, Role.ACCEPTOR, Role.LEARNER),
                  Member.of(3, Role.ACCEPTOR, Role.LEARNER)));
      MiniCluster cluster = new MiniCluster(split);
      cluster.elect(1);
      cluster.submit(1, cmd(1, 1));
      cluster.run();
      assertThat(cluster.delivered.get(2)).hasSize(1);

      cluster.nodes.get(1).receive(new CatchUpRequest(3, 1, 10), TIMEOUT, out);

      assertThat(onlyTo(out, 3, CatchUpReply.class))
          .isEqualTo(new CatchUpReply(1, 1, List.of(batch(cmd(1, 1)))));
    }
  }
}
