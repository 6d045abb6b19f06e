package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.InsecureChannelCredentials;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ClientReply;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A client that takes a follower for the leader moves its commands to the leader that follower
 * names with a result, and only then. Nothing here touches the network: the engine queues its
 * requests, and the test hands it replies.
 */
class ClientEngineLeaderHintTest {
  private static final Endpoint E1 = new Endpoint("127.0.0.1", 1);
  private static final Endpoint E2 = new Endpoint("127.0.0.1", 2);
  private static final Endpoint E3 = new Endpoint("127.0.0.1", 3);

  private final ClientEngine engine =
      new ClientEngine(
          42,
          List.of(E1, E2, E3),
          16,
          new ClientLoop("test-client", () -> {}),
          InsecureChannelCredentials.create(),
          1);

  /** Every node reports itself and that node 1 leads, as status replies would. */
  private List<NodeConnection> nodesBelievingNode1Leads() {
    List<NodeConnection> nodes = engine.rotation().nodes();
    Map<Integer, Endpoint> members = Map.of(1, E1, 2, E2, 3, E3);
    for (int i = 0; i < 3; i++) {
      engine.rotation().learned(nodes.get(i), i + 1, 1, members);
    }
    assertThat(engine.rotation().leader()).isSameAs(nodes.get(0));
    return nodes;
  }

  private Call command() {
    Call call = new Call(new byte[] {1}, null, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
    engine.submit(call);
    return call;
  }

  private static ClientReply result(long callId, int leaderHint) {
    return ClientReply.newBuilder()
        .setCallId(callId)
        .setResult(ByteString.copyFrom(new byte[] {9}))
        .setLeaderHint(leaderHint)
        .build();
  }

  @Test
  void aResultNamingAnotherLeaderMovesTheNextCommandsThere() {
    List<NodeConnection> nodes = nodesBelievingNode1Leads();
    Call call = command();
    engine.onReply(nodes.get(0), result(call.currentAttempt, 3), call);
    assertThat(call.future.join()).containsExactly(9);
    assertThat(engine.rotation().leader()).isSameAs(nodes.get(2));
  }

  @Test
  void aResultNamingTheLeaderWhileNoneWasKnownMovesTheNextCommandsThere() {
    List<NodeConnection> nodes = engine.rotation().nodes();
    Map<Integer, Endpoint> members = Map.of(1, E1, 2, E2, 3, E3);
    for (int i = 0; i < 3; i++) {
      engine.rotation().learned(nodes.get(i), i + 1, 0, members); // nobody knows a leader yet
    }
    Call call = command();
    NodeConnection tried = nodes.get(0); // the first in rotation
    engine.onReply(tried, result(call.currentAttempt, 2), call);
    assertThat(engine.rotation().leader()).isSameAs(nodes.get(1));
  }

  @Test
  void anAnsweredCommandsDeadlineIsNotWatchedAnyMore() {
    List<NodeConnection> nodes = nodesBelievingNode1Leads();
    Call first = command();
    Call second = command();
    assertThat(engine.watchedDeadlines()).isEqualTo(2);
    engine.onReply(nodes.get(0), result(first.currentAttempt, 0), first);
    engine.onReply(nodes.get(0), result(second.currentAttempt, 0), second);
    assertThat(engine.watchedDeadlines()).isZero();
  }

  @Test
  void aResultWithoutAHintKeepsTheLeader() {
    List<NodeConnection> nodes = nodesBelievingNode1Leads();
    Call call = command();
    engine.onReply(nodes.get(0), result(call.currentAttempt, 0), call);
    assertThat(call.future).isDone();
    assertThat(engine.rotation().leader()).isSameAs(nodes.get(0));
  }

  @Test
  void whileTheLeaderIsSuspectedAnotherNodesHintIsFollowed() {
    List<NodeConnection> nodes = nodesBelievingNode1Leads();
    nodes.get(0).downUntilNanos = System.nanoTime() + TimeUnit.MINUTES.toNanos(1); // suspected
    Call call = command(); // goes to another node, as the leader is skipped
    engine.onReply(nodes.get(1), result(call.currentAttempt, 3), call);
    assertThat(engine.rotation().leader()).isSameAs(nodes.get(2));
  }

  @Test
  void aHintFromANodeTheClientDoesNotTakeForTheLeaderIsIgnored() {
    List<NodeConnection> nodes = nodesBelievingNode1Leads();
    Call call = command();
    engine.onReply(nodes.get(1), result(call.currentAttempt, 3), call);
    assertThat(engine.rotation().leader()).isSameAs(nodes.get(0));
  }
}
