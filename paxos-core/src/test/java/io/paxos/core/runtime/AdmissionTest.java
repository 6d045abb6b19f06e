package io.paxos.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.OverloadedException;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.transport.InMemoryNetwork;
import io.paxos.core.transport.Transport;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A node refuses commands with {@link OverloadedException} once the bytes of the commands pending
 * at it reach {@code maxPendingBytes}, before its memory is at risk, and takes commands again once
 * they complete; the limits are checked against each other when the node is built.
 */
class AdmissionTest {
  private static final ClusterConfig THREE = ClusterConfig.of("test", 1, 2, 3);
  private static final int COMMAND = 64 << 10;

  /** Node 1 of three, alone: no leader is ever elected, so what it admits stays pending. */
  private static PaxosNode lonely(long maxPendingBytes) {
    return PaxosNode.builder()
        .config(THREE)
        .nodeId(1)
        .stateMachine(new RecordingStateMachine())
        .transport(new InMemoryNetwork().transport(1))
        .options(ProtocolOptions.defaults().toBuilder().maxCommandBytes(COMMAND).build())
        .maxPendingBytes(maxPendingBytes)
        .build();
  }

  private static boolean overloaded(CompletableFuture<?> f) {
    try {
      f.getNow(null);
      return false;
    } catch (java.util.concurrent.CompletionException e) {
      return e.getCause() instanceof OverloadedException;
    }
  }

  @Test
  void commandsBeyondThePendingBytesAreRefusedAsOverloaded() {
    long max = 10L * COMMAND;
    try (PaxosNode node = lonely(max)) {
      List<CompletableFuture<byte[]>> admitted = new ArrayList<>();
      int refused = 0;
      for (int i = 0; i < 40; i++) {
        CompletableFuture<byte[]> f = node.submit(new byte[COMMAND]);
        if (f.isDone() && overloaded(f)) {
          refused++;
        } else {
          admitted.add(f);
        }
        assertThat(node.pendingCommandBytes()).isLessThanOrEqualTo(max);
      }
      assertThat(admitted).hasSize(10);
      assertThat(refused).isEqualTo(30);
      // Session commands count against the same bound.
      CompletableFuture<byte[]> session = node.submit(99, 1, 1, new byte[COMMAND]);
      assertThat(overloaded(session)).isTrue();
      // Small commands still fit in what is left: none, here.
      assertThat(overloaded(node.submit(new byte[1]))).isTrue();
    }
  }

  @Test
  void bytesAreGivenBackWhenCommandsComplete() throws Exception {
    try (PaxosNode node = lonely(2L * COMMAND)) {
      CompletableFuture<byte[]> a = node.submit(new byte[COMMAND]);
      CompletableFuture<byte[]> b = node.submit(new byte[COMMAND]);
      assertThat(overloaded(node.submit(new byte[COMMAND]))).isTrue();
      node.close(); // fails what is pending
      assertThat(a).isCompletedExceptionally();
      assertThat(b).isCompletedExceptionally();
      assertThat(node.pendingCommandBytes()).isZero();
    }
  }

  @Test
  void aRetryOfAPendingSessionCommandHoldsItsBytesOnlyWhileTheFirstIsPending() {
    try (PaxosNode node = lonely(4L * COMMAND)) {
      CompletableFuture<byte[]> first = node.submit(99, 1, 1, new byte[COMMAND]);
      CompletableFuture<byte[]> retry = node.submit(99, 1, 1, new byte[COMMAND]);
      assertThat(retry).isSameAs(first);
      assertThat(node.pendingCommandBytes()).isEqualTo(2L * COMMAND);
      node.close();
      assertThat(node.pendingCommandBytes()).isZero();
    }
  }

  @Test
  void oneCommandOfTheLargestSizeIsAlwaysAdmitted() {
    ProtocolOptions options = ProtocolOptions.defaults();
    try (PaxosNode node =
        PaxosNode.builder()
            .config(THREE)
            .nodeId(1)
            .stateMachine(new RecordingStateMachine())
            .transport(new InMemoryNetwork().transport(1))
            .maxPendingBytes(options.maxCommandBytes())
            .build()) {
      assertThat(overloaded(node.submit(new byte[options.maxCommandBytes()]))).isFalse();
      assertThat(overloaded(node.submit(new byte[1]))).isTrue();
    }
  }

  @Test
  void limitsThatContradictEachOtherAreRefusedAtBuild() {
    ProtocolOptions options = ProtocolOptions.defaults();
    assertThatThrownBy(
            () ->
                PaxosNode.builder()
                    .config(THREE)
                    .nodeId(1)
                    .stateMachine(new RecordingStateMachine())
                    .transport(new InMemoryNetwork().transport(1))
                    .maxPendingBytes(options.maxCommandBytes() - 1)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxPendingBytes")
        .hasMessageContaining("maxCommandBytes");
    assertThatThrownBy(() -> PaxosNode.builder().maxPendingBytes(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PaxosNode.builder().maxPendingBytes(-1))
        .isInstanceOf(IllegalArgumentException.class);

    Transport small = new LimitedTransport(options.maxMessageBytes() - 1);
    assertThatThrownBy(
            () ->
                PaxosNode.builder()
                    .config(THREE)
                    .nodeId(1)
                    .stateMachine(new RecordingStateMachine())
                    .transport(small)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxMessageBytes");
    // Exactly the transport's limit is fine.
    PaxosNode.builder()
        .config(THREE)
        .nodeId(1)
        .stateMachine(new RecordingStateMachine())
        .transport(new LimitedTransport(options.maxMessageBytes()))
        .build()
        .close();
  }

  @Test
  void futuresOfRefusedCommandsSayWhy() {
    try (PaxosNode node = lonely(COMMAND)) {
      node.submit(new byte[COMMAND]);
      CompletableFuture<byte[]> refused = node.submit(new byte[COMMAND]);
      assertThatThrownBy(refused::get)
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(OverloadedException.class)
          .hasMessageContaining("maxPendingBytes");
    }
  }

  /** A transport that carries nothing and claims a limit. */
  private record LimitedTransport(int maxMessageBytes) implements Transport {
    @Override
    public void start(Consumer<io.paxos.core.protocol.PeerMessage> inbound) {}

    @Override
    public void send(int to, io.paxos.core.protocol.PeerMessage message) {}

    @Override
    public void close() {}
  }
}
