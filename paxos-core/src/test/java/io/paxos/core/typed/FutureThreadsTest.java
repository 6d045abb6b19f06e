package io.paxos.core.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.InMemoryNetwork;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The threads docs/embedding.md names: a typed view decodes a command's result, and runs the
 * callbacks attached to it, on the node's apply thread; a read's answer likewise. The state machine
 * holds each call until the test has attached its callbacks, so that the future cannot complete
 * early on the test's own thread.
 */
class FutureThreadsTest {
  private final List<PaxosNode> nodes = new ArrayList<>();

  /** Records the thread of every decode. */
  private static final class RecordingCodec implements Codec<String> {
    final AtomicReference<String> decodedOn = new AtomicReference<>();

    @Override
    public byte[] encode(String value) {
      return Codec.utf8().encode(value);
    }

    @Override
    public String decode(byte[] bytes) {
      decodedOn.set(Thread.currentThread().getName());
      return Codec.utf8().decode(bytes);
    }

    @Override
    public int maxBytes() {
      return Codec.DEFAULT_MAX_BYTES;
    }
  }

  /** Applies each command, and answers each query, only on a permit the test gives. */
  private static final class Gated implements TypedStateMachine<String, String> {
    final Semaphore gate = new Semaphore(0);

    private String pass(String s) {
      try {
        gate.tryAcquire(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return s;
    }

    @Override
    public String apply(String command) {
      return pass(command);
    }

    @Override
    public String query(String query) {
      return pass(query);
    }

    @Override
    public Snapshot snapshot() {
      return out -> {};
    }

    @Override
    public void restore(InputStream in) {}
  }

  @AfterEach
  void close() {
    nodes.forEach(PaxosNode::close);
  }

  @Test
  void resultsAreDecodedAndCallbacksRunOnTheApplyThreadOfTheNodeSubmittedTo() throws Exception {
    List<Gated> machines = new ArrayList<>();
    CommandCodecs<String, String> plain = CommandCodecs.of(Codec.utf8(), Codec.utf8());
    InMemoryNetwork network = new InMemoryNetwork();
    ClusterConfig config = ClusterConfig.of("threads", 1, 2, 3);
    for (int id : config.ids()) {
      Gated machine = new Gated();
      machines.add(machine);
      nodes.add(
          PaxosNode.builder()
              .config(config)
              .nodeId(id)
              .stateMachine(plain.stateMachine(machine))
              .transport(network.transport(id))
              .commandTimeout(Duration.ofSeconds(60))
              .build());
    }
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                nodes.get(0).leaderId().isPresent()
                    && nodes.stream().map(PaxosNode::leaderId).distinct().count() == 1);
    PaxosNode node = nodes.get(1);
    RecordingCodec results = new RecordingCodec();
    TypedPaxosNode<String, String> view = CommandCodecs.of(Codec.utf8(), results).node(node);

    AtomicReference<String> callbackOn = new AtomicReference<>();
    CompletableFuture<String> submitted = view.submit("x");
    CompletableFuture<String> done =
        submitted.whenComplete((r, e) -> callbackOn.set(Thread.currentThread().getName()));
    assertThat(submitted).as("held by the gate").isNotDone();
    machines.forEach(m -> m.gate.release()); // every replica applies it
    assertThat(done.get(60, TimeUnit.SECONDS)).isEqualTo("x");
    assertThat(results.decodedOn.get()).isEqualTo("paxos-apply-" + node.id());
    assertThat(callbackOn.get()).isEqualTo("paxos-apply-" + node.id());

    results.decodedOn.set(null);
    CompletableFuture<String> read = view.read("q", Consistency.STALE);
    assertThat(read).as("held by the gate").isNotDone();
    machines.get(1).gate.release();
    assertThat(read.get(60, TimeUnit.SECONDS)).isEqualTo("q");
    assertThat(results.decodedOn.get()).isEqualTo("paxos-apply-" + node.id());
  }
}
