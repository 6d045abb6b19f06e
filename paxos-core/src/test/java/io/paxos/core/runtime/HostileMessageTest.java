package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.NotLeaderException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.MessageLimits;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBounds;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import io.paxos.core.transport.Transport;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The three reproduced defects of issue 16: one message from a peer (forged, or sent by a buggy
 * node) with an extreme ballot or slot must not stop, hang or exhaust a node. Each message is
 * delivered through the node's inbound path (the in-memory transport, as a peer's would be); the
 * cluster must go on committing, with every node up and nothing out of bounds persisted.
 */
class HostileMessageTest {
  private LocalCluster cluster;
  private Transport forger;

  @BeforeEach
  void start() {
    ProtocolOptions options = ProtocolOptions.defaults().withTimings(20, 150, 300, 100);
    cluster =
        new LocalCluster(ClusterConfig.of("hostile", 1, 2, 3), options, Duration.ofSeconds(5));
    // Any id: the in-memory network does not check the sender, like a peer that lies in "from".
    forger = cluster.network.transport(99);
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  /** Defect 1: a Heartbeat of round 2^63-1 was promised and persisted; round + 1 overflowed. */
  @Test
  void heartbeatWithTheLargestRoundIsRefusedAndNotPersisted() throws Exception {
    PaxosNode leader = cluster.awaitAgreedLeader();
    commit(leader, "before");
    int victim = follower(leader);
    forger.send(victim, new Message.Heartbeat(2, new Ballot(Long.MAX_VALUE, 2), 0, 1));
    forger.send(victim, new Message.Heartbeat(2, new Ballot(Ballot.MAX_ROUND + 1, 2), 0, 1));
    forger.send(victim, new Message.Prepare(2, new Ballot(Long.MAX_VALUE, 2), 1));
    forger.send(victim, new Message.Nack(2, Ballot.ZERO, new Ballot(Long.MAX_VALUE, 2)));

    awaitRefused(victim, 4);
    commit(cluster.awaitAgreedLeader(), "after");
    everyNodeUp();
    for (int id : cluster.config.ids()) {
      assertThat(cluster.storages.get(id).load().promised().round())
          .isLessThanOrEqualTo(Ballot.MAX_ROUND);
    }
  }

  /** Defect 2: an Accept for slot 2^40 grew the acceptor's slot ring until OutOfMemoryError. */
  @Test
  void acceptFarBeyondTheLogIsRefused() throws Exception {
    PaxosNode leader = cluster.awaitAgreedLeader();
    commit(leader, "before");
    Ballot ballot = ballot(leader.status().term());
    int victim = follower(leader);
    forger.send(victim, new Message.Accept(leader.id(), ballot, 1L << 40, List.of(Value.NOOP), 0));
    forger.send(
        victim, new Message.Accept(leader.id(), ballot, Long.MAX_VALUE, List.of(Value.NOOP), 0));

    awaitRefused(victim, 2);
    commit(cluster.awaitAgreedLeader(), "after");
    everyNodeUp();
    assertThat(cluster.storages.get(victim).load().accepted())
        .allSatisfy(e -> assertThat(e.slot()).isLessThan(1L << 20));
  }

  /** Defect 3: a Commit of slot 2^62 made the learner loop for ever on the event loop. */
  @Test
  void commitFarBeyondTheLogNeitherHangsNorMisleadsTheNode() throws Exception {
    PaxosNode leader = cluster.awaitAgreedLeader();
    commit(leader, "before");
    Ballot ballot = ballot(leader.status().term());
    int victim = follower(leader);
    // Within the absolute bound: taken only up to the window beyond the node's log.
    forger.send(victim, new Message.Commit(leader.id(), ballot, 1L << 62));
    forger.send(victim, new Message.Heartbeat(leader.id(), ballot, (1L << 62) - 1, 1));
    // Beyond it: refused.
    forger.send(victim, new Message.Commit(leader.id(), ballot, (1L << 62) + 1));
    forger.send(victim, new Message.Commit(leader.id(), ballot, Long.MAX_VALUE));

    awaitRefused(victim, 2);
    commit(cluster.nodes.get(victim), "through the victim");
    commit(cluster.awaitAgreedLeader(), "after");
    everyNodeUp();
    // The node takes no commit point further than the window beyond its log.
    assertThat(cluster.nodes.get(victim).status().commitSlot())
        .isLessThanOrEqualTo(MessageLimits.DEFAULTS.maxSlotsAhead() + 100);
  }

  /** A message of neither kind: what a transport of the application's own might hand over. */
  private record Stranger(int from) implements PeerMessage {}

  /**
   * The host's own messages (results, snapshot transfers) go through the same check as the
   * protocol's, before the snapshot thread or the futures see them: each out-of-bounds one is
   * refused and counted, and so is a message of neither kind. Had the event loop handed them on
   * unchecked, the count would not be reached.
   */
  @Test
  void hostMessagesOutOfBoundsAreRefusedBeforeTheHostTakesThem() throws Exception {
    PaxosNode leader = cluster.awaitAgreedLeader();
    commit(leader, "before");
    int victim = follower(leader);
    long tooFar = MessageBounds.MAX_SLOT + 1;
    long tooBig = MessageLimits.DEFAULTS.maxSnapshotBytes() + 1;
    forger.send(victim, new HostMessage.SnapshotChunk(2, Long.MAX_VALUE, 0, 1, 0, new byte[1]));
    forger.send(victim, new HostMessage.SnapshotChunk(2, 1L << 40, 0, tooBig, 0, new byte[1]));
    forger.send(victim, new HostMessage.SnapshotChunk(2, 1L << 40, 4, 2, 0, new byte[1]));
    forger.send(victim, new HostMessage.SnapshotRequest(2, 1, -1));
    forger.send(victim, new HostMessage.SnapshotRequest(2, tooFar, 0));
    forger.send(victim, new HostMessage.SnapshotRequest(0, 1, 0)); // no node's id
    forger.send(victim, new HostMessage.CommandResult(2, 1, 1, tooFar, new byte[0]));
    forger.send(victim, new HostMessage.CommandResult(99, 1, 1, 1, new byte[0]));
    forger.send(victim, new HostMessage.CommandFailed(2, 1, 1, tooFar, "E", ""));
    forger.send(victim, new HostMessage.CommandFailed(2, 1, 1, 1, "", ""));
    forger.send(victim, new HostMessage.CommandFailed(2, 1, 1, 1, "E", "x".repeat(1001)));
    forger.send(victim, new HostMessage.CommandFailed(99, 1, 1, 1, "E", ""));
    forger.send(victim, new Stranger(2));

    awaitRefused(victim, 13);
    commit(cluster.nodes.get(victim), "through the victim");
    commit(cluster.awaitAgreedLeader(), "after");
    everyNodeUp();
  }

  private long nextCommand;

  /**
   * Commit a command through {@code node}. A leader change on a loaded machine may refuse it
   * ({@link NotLeaderException}, not proposed): then it waits for an agreed leader and tries again.
   */
  private void commit(PaxosNode node, String what) throws Exception {
    long command = ++nextCommand;
    for (int attempt = 1; ; attempt++) {
      try {
        byte[] result =
            node.submit(RecordingStateMachine.command(command)).get(30, TimeUnit.SECONDS);
        assertThat(result).as(what).isNotNull();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof NotLeaderException) || attempt == 10) {
          throw e;
        }
        cluster.awaitAgreedLeader();
      }
    }
  }

  private int follower(PaxosNode leader) {
    return leader.id() == 1 ? 2 : 1;
  }

  private void awaitRefused(int node, long count) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> cluster.nodes.get(node).gauges().messagesRefused() >= count);
  }

  private void everyNodeUp() {
    for (PaxosNode n : cluster.nodes.values()) {
      assertThat(n.status().failure()).as("node %d", n.id()).isEmpty();
    }
  }

  /** The protocol's ballot of a reported term, to forge messages in it. */
  private static Ballot ballot(io.paxos.core.Term term) {
    return new Ballot(term.epoch(), term.round(), term.proposerId());
  }
}
