package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.InsecureChannelCredentials;
import io.paxos.core.Consistency;
import io.paxos.core.config.Role;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ClientRequest;
import io.paxos.grpc.proto.Error;
import io.paxos.grpc.proto.ErrorCode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On a split layout reads go only to nodes that host a learner, known from a status reply or from a
 * node's ERROR_NOT_LEARNER, and commands to proposers. Nothing here touches the network: the engine
 * queues its requests, and the test reads the queues and hands it replies.
 */
class ClientEngineReadRoutingTest {
  private static final Endpoint ACCEPTOR = new Endpoint("127.0.0.1", 1);
  private static final Endpoint PROPOSER = new Endpoint("127.0.0.1", 2);
  private static final Endpoint LEARNER_A = new Endpoint("127.0.0.1", 3);
  private static final Endpoint LEARNER_B = new Endpoint("127.0.0.1", 4);
  private static final List<Endpoint> ALL = List.of(ACCEPTOR, PROPOSER, LEARNER_A, LEARNER_B);
  private static final Map<Integer, Endpoint> MEMBERS =
      Map.of(1, ACCEPTOR, 2, PROPOSER, 3, LEARNER_A, 4, LEARNER_B);
  private static final Map<Integer, Set<Role>> ROLES =
      Map.of(
          1, EnumSet.of(Role.ACCEPTOR),
          2, EnumSet.of(Role.PROPOSER),
          3, EnumSet.of(Role.LEARNER),
          4, EnumSet.of(Role.LEARNER));

  private final List<ClientEngine> engines = new ArrayList<>();

  @AfterEach
  void close() {
    engines.forEach(ClientEngine::close);
  }

  private ClientEngine engine(List<Endpoint> endpoints) {
    ClientEngine e =
        new ClientEngine(
            42,
            endpoints,
            16,
            new ClientLoop("test-client", () -> {}),
            InsecureChannelCredentials.create(),
            1);
    engines.add(e);
    return e;
  }

  private static Call read(ClientEngine engine, Consistency consistency) {
    Call call = new Call(new byte[] {1}, consistency, System.nanoTime() + seconds(30));
    engine.read(call);
    return call;
  }

  private static long seconds(int s) {
    return TimeUnit.SECONDS.toNanos(s);
  }

  /** The node whose queue holds the request of {@code call}'s current attempt. */
  private static NodeConnection sentTo(ClientEngine engine, Call call) {
    NodeConnection found = null;
    for (NodeConnection n : engine.rotation().nodes()) {
      for (ClientRequest r : n.queued()) {
        if (r.getCallId() == call.currentAttempt) {
          assertThat(found).as("one node per attempt").isNull();
          found = n;
        }
      }
    }
    assertThat(found).as("attempt %d queued", call.currentAttempt).isNotNull();
    return found;
  }

  private static ClientReply notLearner(long callId) {
    return ClientReply.newBuilder()
        .setCallId(callId)
        .setError(
            Error.newBuilder()
                .setCode(ErrorCode.ERROR_NOT_LEARNER)
                .setMessage("node 1 hosts no learner")
                .build())
        .build();
  }

  @Test
  void onceTheRolesAreKnownEveryReadGoesToALearnerAndCommandsToTheProposer() {
    ClientEngine engine = engine(ALL);
    engine.rotation().learned(engine.rotation().nodes().get(0), 1, 0, MEMBERS, ROLES);
    for (Consistency c : Consistency.values()) {
      for (int i = 0; i < 8; i++) {
        NodeConnection to = sentTo(engine, read(engine, c));
        assertThat(to.endpoint).isIn(LEARNER_A, LEARNER_B);
      }
    }
    for (int i = 0; i < 4; i++) {
      Call command = new Call(new byte[] {1}, null, System.nanoTime() + seconds(30));
      engine.submit(command);
      assertThat(sentTo(engine, command).endpoint).isEqualTo(PROPOSER);
    }
  }

  @Test
  void aNodeThatRefusesAReadAsNoLearnerLeavesTheReadRotation() {
    ClientEngine engine = engine(ALL);
    NodeConnection acceptor = engine.rotation().nodes().get(0);
    for (Consistency c : Consistency.values()) {
      for (int i = 0; i < 8; i++) {
        Call call = read(engine, c);
        NodeConnection to = sentTo(engine, call);
        if (to == acceptor) {
          engine.onReply(acceptor, notLearner(call.currentAttempt), call);
          assertThat(call.future).isNotDone();
          assertThat(sentTo(engine, call)).isNotSameAs(acceptor);
        }
      }
    }
    assertThat(acceptor.roles).doesNotContain(Role.LEARNER);
    // The acceptor was tried once at most, then never again.
    long toAcceptor = acceptor.queued().stream().filter(ClientRequest::hasRead).count();
    assertThat(toAcceptor).isLessThanOrEqualTo(1);
  }

  @Test
  void aSequentialReadLeavesANodeThatIsNoLearner() {
    ClientEngine engine = engine(List.of(ACCEPTOR, LEARNER_A));
    Call first = read(engine, Consistency.SEQUENTIAL);
    NodeConnection to = sentTo(engine, first);
    if (to.endpoint.equals(ACCEPTOR)) {
      engine.onReply(to, notLearner(first.currentAttempt), first);
    }
    for (int i = 0; i < 4; i++) {
      assertThat(sentTo(engine, read(engine, Consistency.SEQUENTIAL)).endpoint)
          .isEqualTo(LEARNER_A);
    }
  }

  @Test
  void aClientGivenNoLearnerRetriesItsReadInsteadOfFailingIt() {
    ClientEngine engine = engine(List.of(ACCEPTOR, PROPOSER));
    engine
        .rotation()
        .learned(engine.rotation().nodes().get(0), 1, 0, Map.of(1, ACCEPTOR, 2, PROPOSER), ROLES);
    Call call = read(engine, Consistency.LINEARIZABLE);
    assertThat(call.future).isNotDone();
    assertThat(call.lastProblem).startsWith("no node that hosts a learner is reachable");
    for (NodeConnection n : engine.rotation().nodes()) {
      assertThat(n.queued()).isEmpty();
    }
  }
}
