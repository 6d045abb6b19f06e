package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.grpc.InsecureChannelCredentials;
import io.paxos.core.Consistency;
import io.paxos.grpc.Endpoint;
import io.paxos.grpc.proto.ClientReply;
import io.paxos.grpc.proto.ClientRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The client remembers the highest slot its results reflect and sends it with every SEQUENTIAL
 * read, so that any node serves that read only once it has applied the client's own writes. Nothing
 * here touches the network: the engine queues its requests, and the test hands it replies.
 */
class ClientEngineSessionTest {
  private static final Endpoint E1 = new Endpoint("127.0.0.1", 1);
  private static final Endpoint E2 = new Endpoint("127.0.0.1", 2);

  private final ClientEngine engine =
      new ClientEngine(
          42,
          List.of(E1, E2),
          16,
          new ClientLoop("test-client", () -> {}),
          InsecureChannelCredentials.create(),
          1);

  private Call call(Consistency consistency) {
    return new Call(new byte[] {1}, consistency, System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
  }

  /** The request of {@code call}'s current attempt, wherever it was queued. */
  private ClientRequest sent(Call call) {
    return engine.rotation().nodes().stream()
        .flatMap(n -> n.queued().stream())
        .filter(r -> r.getCallId() == call.currentAttempt)
        .findFirst()
        .orElseThrow();
  }

  private NodeConnection to(Call call) {
    return engine.rotation().nodes().stream()
        .filter(n -> n.queued().stream().anyMatch(r -> r.getCallId() == call.currentAttempt))
        .findFirst()
        .orElseThrow();
  }

  private void answer(Call call, long appliedSlot) {
    engine.onReply(
        to(call),
        ClientReply.newBuilder()
            .setCallId(call.currentAttempt)
            .setResult(ByteString.copyFrom(new byte[] {9}))
            .setAppliedSlot(appliedSlot)
            .build(),
        call);
  }

  @Test
  void sequentialReadsCarryTheHighestSlotTheClientHasSeen() {
    List<NodeConnection> nodes = engine.rotation().nodes();
    engine.rotation().learned(nodes.get(0), 1, 1, Map.of(1, E1, 2, E2));
    engine.rotation().learned(nodes.get(1), 2, 1, Map.of(1, E1, 2, E2));

    Call before = call(Consistency.SEQUENTIAL);
    engine.read(before);
    assertThat(sent(before).getRead().getMinSlot()).as("nothing seen yet").isZero();
    answer(before, 3);

    Call write = call(null);
    engine.submit(write);
    assertThat(sent(write).hasSubmit()).isTrue();
    answer(write, 42);
    assertThat(engine.seenSlot()).isEqualTo(42);

    Call sequential = call(Consistency.SEQUENTIAL);
    engine.read(sequential);
    assertThat(sent(sequential).getRead().getMinSlot()).isEqualTo(42);
    answer(sequential, 50);

    Call linearizable = call(Consistency.LINEARIZABLE);
    Call stale = call(Consistency.STALE);
    engine.read(linearizable);
    engine.read(stale);
    assertThat(sent(linearizable).getRead().getMinSlot()).isZero();
    assertThat(sent(stale).getRead().getMinSlot()).isZero();
    answer(stale, 7); // an older node's answer does not lower what the client has seen

    Call next = call(Consistency.SEQUENTIAL);
    engine.read(next);
    assertThat(sent(next).getRead().getMinSlot()).isEqualTo(50);
  }
}
