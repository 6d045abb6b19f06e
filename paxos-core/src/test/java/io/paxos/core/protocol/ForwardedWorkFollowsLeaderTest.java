package io.paxos.core.protocol;

import static io.paxos.core.protocol.Probe.b;
import static io.paxos.core.protocol.Probe.batch;
import static io.paxos.core.protocol.Probe.cmd;
import static io.paxos.core.protocol.Probe.onlyTo;
import static io.paxos.core.protocol.Probe.sent;
import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.protocol.Message.Forward;
import io.paxos.core.protocol.Message.ForwardRejected;
import io.paxos.core.protocol.Message.Heartbeat;
import io.paxos.core.protocol.Message.ReadIndexReply;
import io.paxos.core.protocol.Message.ReadIndexRequest;
import io.paxos.core.protocol.Outbox.Abandoned;
import io.paxos.core.protocol.Outbox.Delivery;
import io.paxos.core.protocol.Outbox.ReadIndex;
import io.paxos.core.protocol.Outbox.Rejection;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("forwarded work follows the leadership")
class ForwardedWorkFollowsLeaderTest extends ProtocolNodeFixture {

  private ProtocolNode forwardedTo1(Command command) {
    ProtocolNode follower = following(2, THREE, 1);
    follower.submit(command, 0, out);
    follower.flush(0, out);
    assertThat(onlyTo(out, 1, Forward.class).commands()).containsExactly(command);
    out.clear();
    return follower;
  }

  @Test
  @DisplayName(
      "a session command forwarded to a leader is forwarded again to the next leader heard of"
          + " before any answer")
  void sessionCommandFollowsNewLeader() {
    ProtocolNode follower = forwardedTo1(session(2, 1));

    follower.receive(new Heartbeat(3, b(2, 3), 1, 1), 10, out);
    follower.flush(10, out);

    assertThat(onlyTo(out, 3, Forward.class))
        .isEqualTo(new Forward(2, b(2, 3), List.of(session(2, 1))));
    assertThat(sent(out, Forward.class)).hasSize(1);
    assertThat(out.abandoned()).isEmpty();
  }

  @Test
  @DisplayName(
      "a one-shot command is not sent again (a second copy could apply twice): it waits for"
          + " the old leader's answer")
  void oneShotCommandStays() {
    ProtocolNode follower = forwardedTo1(cmd(2, 1));

    follower.receive(new Heartbeat(3, b(2, 3), 1, 1), 10, out);
    follower.flush(10, out);

    assertThat(sent(out, Forward.class)).isEmpty();
    assertThat(out.abandoned()).isEmpty();
  }

  @Test
  @DisplayName(
      "a refusal from the old leader after the command went to the new one is stale and"
          + " dropped; the new leader's refusal reaches the caller")
  void staleRefusalDropped() {
    ProtocolNode follower = forwardedTo1(session(2, 1));
    follower.receive(new Heartbeat(3, b(2, 3), 1, 1), 10, out);
    follower.flush(10, out);
    out.clear();

    follower.receive(
        new ForwardRejected(1, List.of(session(2, 1)), Rejection.NOT_LEADER, 3), 20, out);
    assertThat(out.abandoned()).isEmpty();

    follower.receive(
        new ForwardRejected(3, List.of(session(2, 1)), Rejection.OVERLOADED, 3), 20, out);
    assertThat(out.abandoned())
        .containsExactly(new Abandoned(List.of(session(2, 1)), Rejection.OVERLOADED, 3));
    out.clear();

    follower.receive(new Heartbeat(1, b(3, 1), 1, 2), 30, out);
    follower.flush(30, out);
    assertThat(sent(out, Forward.class)).as("answered: not sent again").isEmpty();
  }

  @Test
  @DisplayName("a command this node delivered is not sent again when the leader changes")
  void deliveredCommandNotSentAgain() {
    MiniCluster cluster = new MiniCluster(THREE);
    cluster.elect(1);
    cluster.submit(2, session(2, 1));
    cluster.run();
    assertThat(cluster.delivered.get(2)).containsExactly(new Delivery(1, batch(session(2, 1))));

    ProtocolNode follower = cluster.nodes.get(2);
    follower.receive(new Heartbeat(3, b(9, 3), 2, 1), 10, out);
    follower.flush(10, out);

    assertThat(sent(out, Forward.class)).isEmpty();
  }

  @Test
  @DisplayName(
      "a follower whose leader crashed with its forwarded command proposes the command itself"
          + " once it leads")
  void proposedHereOnceThisNodeLeads() {
    MiniCluster cluster = new MiniCluster(THREE);
    cluster.elect(1);
    cluster.nodes.remove(1); // crashed: the Forward is lost with it
    cluster.submit(2, session(2, 1));
    cluster.run();
    assertThat(cluster.delivered.get(2)).isEmpty();

    cluster.tick(2, 10 * TIMEOUT);
    cluster.run();

    assertThat(cluster.nodes.get(2).isLeader()).isTrue();
    assertThat(cluster.delivered.get(2))
        .extracting(d -> d.value().commands())
        .containsExactly(List.of(session(2, 1)));
    assertThat(cluster.abandoned.get(2)).isEmpty();
  }

  @Test
  @DisplayName(
      "a command the crashed leader got chosen, sent again to the new leader, is applied once"
          + " and its caller gets the first result")
  void chosenByTheDeadLeaderAppliedOnce() {
    MiniCluster cluster = new MiniCluster(THREE);
    cluster.elect(1);
    cluster.submit(2, session(2, 1));
    // Node 2 hears nothing back: the leader and node 3 choose the command without it.
    cluster.run((to, m) -> to == 2 || (m.from() == 2 && !(m instanceof Forward)));
    assertThat(cluster.delivered.get(3)).containsExactly(new Delivery(1, batch(session(2, 1))));
    assertThat(cluster.delivered.get(2)).isEmpty();
    cluster.nodes.remove(1);

    cluster.tick(3, 10 * TIMEOUT);
    cluster.run();
    assertThat(cluster.nodes.get(3).isLeader()).isTrue();
    // Heartbeats: node 2 hears of the new leader, and catches up on the slot it missed.
    for (int i = 1; cluster.delivered.get(2).size() < 2 && i <= 50; i++) {
      cluster.tick(3, 10 * TIMEOUT + i * OPTIONS.heartbeatIntervalMs());
      cluster.run();
      cluster.tick(2, 10 * TIMEOUT + i * OPTIONS.heartbeatIntervalMs());
      cluster.run();
    }

    List<Command> atFollower =
        cluster.delivered.get(2).stream().flatMap(d -> d.value().commands().stream()).toList();
    assertThat(atFollower).as("sent again, so chosen twice").hasSize(2).containsOnly(session(2, 1));
    SessionTable table = new SessionTable();
    int[] applied = {0};
    List<String> results = new ArrayList<>();
    for (Delivery d : cluster.delivered.get(2)) {
      for (Command c : d.value().commands()) {
        byte[] r =
            table.apply(
                c,
                d.slot(),
                payload -> ("applied " + ++applied[0]).getBytes(StandardCharsets.UTF_8));
        results.add(r == null ? null : new String(r, StandardCharsets.UTF_8));
      }
    }
    assertThat(applied[0]).isEqualTo(1);
    assertThat(results)
        .as("the copy is answered with the first result")
        .containsExactly("applied 1", "applied 1");
  }

  @Test
  @DisplayName(
      "a read asked of a leader is asked again of the next one; the old leader's refusal is"
          + " stale, the new one's answer reaches the caller")
  void readFollowsNewLeader() {
    ProtocolNode follower = following(2, THREE, 1);
    follower.read(9, 0, out);
    assertThat(onlyTo(out, 1, ReadIndexRequest.class)).isEqualTo(new ReadIndexRequest(2, 9));
    out.clear();

    follower.receive(new Heartbeat(3, b(2, 3), 1, 1), 10, out);
    assertThat(onlyTo(out, 3, ReadIndexRequest.class)).isEqualTo(new ReadIndexRequest(2, 9));
    out.clear();

    follower.receive(new ReadIndexReply(1, 9, false, 0, 3), 20, out);
    assertThat(out.readIndexes()).isEmpty();
    follower.receive(new ReadIndexReply(3, 9, true, 4, 3), 20, out);
    assertThat(out.readIndexes()).containsExactly(new ReadIndex(9, true, 4, 3));
    out.clear();

    follower.receive(new Heartbeat(1, b(3, 1), 1, 2), 30, out);
    assertThat(sent(out, ReadIndexRequest.class)).as("answered: not asked again").isEmpty();
  }

  @Test
  @DisplayName(
      "a read asked of the leader and unanswered for an election timeout is asked again (the"
          + " request or its answer was lost), with the leader unchanged")
  void unansweredReadIsAskedAgain() {
    ProtocolNode follower = following(2, THREE, 1);
    follower.read(9, 0, out);
    assertThat(onlyTo(out, 1, ReadIndexRequest.class)).isEqualTo(new ReadIndexRequest(2, 9));
    out.clear();
    long timeout = OPTIONS.electionTimeoutMinMs();

    follower.tick(timeout - 1, out);
    assertThat(sent(out, ReadIndexRequest.class)).as("not overdue yet").isEmpty();
    out.clear();
    follower.receive(new Heartbeat(1, b(1, 1), 1, 2), timeout - 1, out); // the leader lives
    out.clear();
    follower.tick(timeout, out);
    assertThat(onlyTo(out, 1, ReadIndexRequest.class)).isEqualTo(new ReadIndexRequest(2, 9));
    out.clear();

    follower.receive(new ReadIndexReply(1, 9, true, 4, 1), timeout + 1, out);
    assertThat(out.readIndexes()).containsExactly(new ReadIndex(9, true, 4, 1));
    out.clear();
    follower.tick(3 * timeout, out);
    assertThat(sent(out, ReadIndexRequest.class)).as("answered: not asked again").isEmpty();
  }

  @Test
  @DisplayName("a read whose leader crashed is served once this node leads")
  void readServedHereOnceThisNodeLeads() {
    MiniCluster cluster = new MiniCluster(THREE);
    cluster.elect(1);
    cluster.nodes.remove(1);
    cluster.read(2, 9);
    cluster.run();
    assertThat(cluster.reads.get(2)).isEmpty();

    cluster.tick(2, 10 * TIMEOUT);
    cluster.run();

    assertThat(cluster.nodes.get(2).isLeader()).isTrue();
    assertThat(cluster.reads.get(2)).extracting(ReadIndex::ok).containsExactly(true);
  }

  @Test
  @DisplayName(
      "what is kept to send again is bounded like the commands waiting for a leader: the"
          + " oldest are forgotten")
  void bounded() {
    ProtocolNode follower = following(2, THREE, 1);
    for (int i = 1; i <= ProtocolNode.MAX_PARKED + 1; i++) {
      follower.submit(new Command(2, 55, i, i, new byte[0]), 0, out);
      follower.read(i, 0, out);
    }
    follower.flush(0, out);
    out.clear();

    follower.receive(new Heartbeat(3, b(2, 3), 1, 1), 10, out);
    follower.flush(10, out);

    List<Command> again =
        sent(out, Forward.class).stream().flatMap(f -> f.commands().stream()).toList();
    assertThat(again).hasSize(ProtocolNode.MAX_PARKED);
    assertThat(again.get(0).sequence()).isEqualTo(2);
    assertThat(sent(out, ReadIndexRequest.class)).hasSize(ProtocolNode.MAX_PARKED);
  }
}
