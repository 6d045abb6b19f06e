package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.InsecureChannelCredentials;
import io.grpc.Status;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.host.HostMessage;
import io.paxos.core.protocol.AcceptedEntry;
import io.paxos.core.protocol.Ballot;
import io.paxos.core.protocol.Command;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.MessageBounds;
import io.paxos.core.protocol.Outbox;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.proto.PeerFrame;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three node processes of a four-member cluster; the test plays the fourth member, never started,
 * and sends every node forged messages of every kind with extreme values over real peer streams
 * (each in its own stream, since an out-of-bounds message closes the stream that carried it). The
 * cluster must keep serving, and the replicas' state hashes must stay equal.
 */
class HostilePeerProcessTest {
  private static final int PLAYED = 4;
  private static final long MAX = Long.MAX_VALUE;

  @Test
  void forgedExtremeMessagesOfEveryKindLeaveTheClusterServingAndInAgreement(@TempDir Path dir)
      throws Exception {
    try (NodeProcesses nodes = new NodeProcesses("hostile-processes", dir, 4);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints().subList(0, 3))
                .timeout(Duration.ofSeconds(30))
                .seed(5)
                .build()) {
      for (int id = 1; id <= 3; id++) {
        nodes.start(id);
      }
      ClusterConfig config = ClusterConfig.of("hostile-processes", 1, 2, 3, 4);
      submit(client, 0, 50);

      int closed = 0;
      for (int target = 1; target <= 3; target++) {
        for (PeerMessage m : forged()) {
          Status end = sendAlone(nodes, config, target, m);
          if (end.getCode() == Status.Code.INVALID_ARGUMENT) {
            closed++;
          }
        }
      }
      assertThat(closed).as("streams closed for an out-of-bounds message").isPositive();

      submit(client, 50, 50);
      // Once every replica applied the same slots, they hold the same state.
      Map<Integer, ClusterStatus.StateHash> hashes = new TreeMap<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (int id = 1; id <= 3; id++) {
                  hashes.put(id, hashOf(nodes, id));
                }
                return hashes.values().stream().map(h -> h.appliedSlot()).distinct().count() == 1;
              });
      assertThat(hashes.values().stream().map(ClusterStatus.StateHash::hash).distinct())
          .as("state hashes %s", hashes)
          .hasSize(1);
      assertThat(hashes.get(1).appliedSlot()).isPositive();
    }
  }

  private static ClusterStatus.StateHash hashOf(NodeProcesses nodes, int id) throws Exception {
    try (PaxosClient one =
        PaxosClient.builder().endpoints(List.of(nodes.members.get(id))).seed(id).build()) {
      ClusterStatus s = one.status().get(30, TimeUnit.SECONDS);
      return s.stateHash()
          .filter(h -> h.appliedSlot() == s.appliedSlot())
          .orElse(new ClusterStatus.StateHash(-id, ""));
    }
  }

  /** Send {@code m} as node 4 on a stream of its own; how the stream ended (OK if still open). */
  private static Status sendAlone(
      NodeProcesses nodes, ClusterConfig config, int target, PeerMessage m) throws Exception {
    PeerHandshake as = new PeerHandshake(config, PLAYED, Optional.empty(), false);
    try (RawPeer peer =
        RawPeer.open(
            nodes.members.get(target).port(),
            InsecureChannelCredentials.create(),
            false,
            challenge -> as.hello(target, challenge, as.nonce()))) {
      assertThat(peer.outcome().getCode()).isEqualTo(Status.Code.OK);
      peer.send(PeerFrame.newBuilder().addMessages(MessageCodec.encode(m)).build());
      // Out of bounds: the node closes the stream. In bounds (refused by the node's own check, or
      // harmless): it stays open until this test closes it.
      try {
        return peer.ended.get(300, TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        return Status.OK;
      }
    }
  }

  /** Every kind of message, with values that no correct node 4 sends. */
  private static List<PeerMessage> forged() {
    Ballot top = new Ballot(MAX, PLAYED);
    Ballot overMax = new Ballot(Ballot.MAX_ROUND + 1, PLAYED);
    Ballot far = new Ballot(1L << 40, PLAYED);
    Ballot foreign = new Ballot(1, 2);
    long beyond = MessageBounds.MAX_SLOT + 1;
    List<Value> noop = List.of(Value.NOOP);
    Command nowhere = new Command(0xFFFF, 1, 1, new byte[] {1});
    return List.<PeerMessage>of(
        new Message.Prepare(PLAYED, top, 1),
        new Message.Prepare(PLAYED, far, 1),
        new Message.Prepare(PLAYED, foreign, 1),
        new Message.Promise(PLAYED, overMax, 1, List.of()),
        new Message.Promise(
            PLAYED, new Ballot(1, 1), 1, List.of(new AcceptedEntry(1L << 40, foreign, Value.NOOP))),
        new Message.Accept(PLAYED, top, 1, noop, 0),
        new Message.Accept(PLAYED, new Ballot(1, PLAYED), 1L << 40, noop, 0),
        new Message.Accept(PLAYED, new Ballot(1, PLAYED), beyond, noop, beyond),
        new Message.Accepted(PLAYED, new Ballot(1, 1), 1, Integer.MAX_VALUE),
        new Message.Accepted(PLAYED, new Ballot(1, 1), 1L << 40, 1),
        new Message.Nack(PLAYED, new Ballot(1, 1), top),
        new Message.Commit(PLAYED, new Ballot(1, PLAYED), MAX),
        new Message.Commit(PLAYED, far, 1L << 62),
        new Message.Heartbeat(PLAYED, top, 0, 1),
        new Message.Heartbeat(PLAYED, new Ballot(1, PLAYED), MAX, MAX),
        new Message.HeartbeatAck(PLAYED, top, MAX),
        new Message.CatchUpRequest(PLAYED, 1, Integer.MAX_VALUE),
        new Message.CatchUpRequest(PLAYED, beyond, 1),
        new Message.CatchUpReply(PLAYED, 1L << 40, noop),
        new Message.CatchUpReply(PLAYED, beyond, noop),
        new Message.AcceptedQuery(PLAYED, 1, 1, 1L << 40),
        new Message.AcceptedQuery(PLAYED, 1, 10, 5),
        new Message.AcceptedReport(PLAYED, 1, 1, beyond, List.of()),
        new Message.SnapshotDurable(PLAYED, beyond),
        new HostMessage.SnapshotRequest(PLAYED, beyond, 0),
        new HostMessage.SnapshotRequest(PLAYED, 1, 1L << 50),
        new HostMessage.SnapshotChunk(PLAYED, 1L << 40, 0, 1L << 62, 0, new byte[] {1, 2, 3}),
        new HostMessage.SnapshotChunk(PLAYED, 5, 4, 2, 0, new byte[] {1, 2, 3}),
        new Message.Forward(PLAYED, top, List.of(nowhere)),
        new Message.ForwardRejected(PLAYED, List.of(nowhere), Outbox.Rejection.OVERLOADED, 0),
        new Message.ReadIndexRequest(PLAYED, MAX),
        new Message.ReadIndexReply(PLAYED, 1, true, beyond, 1),
        new HostMessage.CommandResult(PLAYED, 1, 1, beyond, new byte[0]));
  }

  private static void submit(PaxosClient client, long from, int count) throws Exception {
    for (long i = from; i < from + count; i++) {
      client.submit(LogStateMachine.command(i)).get(60, TimeUnit.SECONDS);
    }
  }
}
