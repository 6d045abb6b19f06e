package io.paxos.grpc.typed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Int64Value;
import com.google.protobuf.StringValue;
import io.paxos.core.Consistency;
import io.paxos.core.config.ClusterConfig;
import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.typed.Codec;
import io.paxos.core.typed.CodecException;
import io.paxos.core.typed.CommandCodecs;
import io.paxos.grpc.LocalCluster;
import io.paxos.grpc.client.PaxosClient;
import io.paxos.grpc.client.TypedPaxosClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A typed state machine in protobuf messages on three gRPC nodes over loopback, driven through the
 * typed view of the remote client.
 */
class TypedPaxosClientTest {
  static final CommandCodecs<StringValue, Int64Value> CODECS =
      CommandCodecs.of(
          ProtobufCodec.of(StringValue.getDefaultInstance(), 64),
          ProtobufCodec.of(Int64Value.getDefaultInstance()));

  /** Permits for the replicas to apply a {@link WordCount#GATED} command. */
  private static final Semaphore GATE = new Semaphore(0);

  private static LocalCluster cluster;
  private static PaxosClient client;

  @BeforeAll
  static void start() {
    cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("words", 1, 2, 3))
            .stateMachines(id -> CODECS.stateMachine(new WordCount(GATE)))
            .options(ProtocolOptions.defaults().withTimings(20, 150, 300, 100))
            .commandTimeout(Duration.ofSeconds(10))
            .start();
    cluster.awaitLeader(Duration.ofSeconds(30));
    client = PaxosClient.builder().endpoints(cluster.endpoints()).seed(18).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private static StringValue word(String w) {
    return StringValue.of(w);
  }

  @Test
  void typedCommandsAndReadsGoThroughTheRemoteClient() throws Exception {
    TypedPaxosClient<StringValue, Int64Value> words = TypedPaxosClient.of(client, CODECS);
    assertThat(words.submit(word("paxos")).get(30, TimeUnit.SECONDS).getValue()).isEqualTo(1);
    assertThat(words.submit(word("paxos"), Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
        .isEqualTo(Int64Value.of(2));
    assertThat(words.submit(word("")).get(30, TimeUnit.SECONDS)).isEqualTo(Int64Value.of(1));
    assertThat(words.read(word("paxos"), Consistency.LINEARIZABLE).get(30, TimeUnit.SECONDS))
        .isEqualTo(Int64Value.of(2));
    assertThat(
            words
                .read(word("never seen"), Consistency.SEQUENTIAL, Duration.ofSeconds(30))
                .get(30, TimeUnit.SECONDS))
        .isEqualTo(Int64Value.of(0));
    assertThat(words.client()).isSameAs(client);
  }

  @Test
  void theCommandCodecsBoundRefusesBeforeAnythingIsSent() {
    TypedPaxosClient<StringValue, Int64Value> words = TypedPaxosClient.of(client, CODECS);
    StringValue tooLong = word("x".repeat(63)); // 2 bytes of tag and length: 65 bytes
    assertThatThrownBy(() -> words.submit(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("above the bound of 64 bytes");
    assertThatThrownBy(() -> words.read(tooLong, Consistency.STALE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> words.submit(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void aResultTheResultCodecCannotDecodeFailsThatFutureWithCodecException() throws Exception {
    TypedPaxosClient<StringValue, Long> mismatched =
        TypedPaxosClient.of(client, CommandCodecs.of(CODECS.commands(), Codec.int64()));
    CompletableFuture<Long> count = mismatched.read(word("paxos"), Consistency.LINEARIZABLE);
    assertThatThrownBy(() -> count.get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("int64 codec: needs exactly 8 bytes, got ");
    // The client and the cluster go on.
    TypedPaxosClient<StringValue, Int64Value> words = TypedPaxosClient.of(client, CODECS);
    assertThat(words.submit(word("after")).get(30, TimeUnit.SECONDS)).isEqualTo(Int64Value.of(1));
  }

  @Test
  void resultsAreDecodedAndCallbacksRunOnTheClientsThread() throws Exception {
    AtomicReference<String> decodedOn = new AtomicReference<>();
    Codec<Int64Value> recording =
        new Codec<>() {
          @Override
          public byte[] encode(Int64Value value) {
            return CODECS.results().encode(value);
          }

          @Override
          public Int64Value decode(byte[] bytes) {
            decodedOn.set(Thread.currentThread().getName());
            return CODECS.results().decode(bytes);
          }

          @Override
          public int maxBytes() {
            return CODECS.results().maxBytes();
          }
        };
    TypedPaxosClient<StringValue, Int64Value> words =
        TypedPaxosClient.of(client, CommandCodecs.of(CODECS.commands(), recording));
    AtomicReference<String> callbackOn = new AtomicReference<>();
    CompletableFuture<Int64Value> submitted = words.submit(word(WordCount.GATED));
    CompletableFuture<Int64Value> done =
        submitted.whenComplete((r, e) -> callbackOn.set(Thread.currentThread().getName()));
    assertThat(submitted).as("held by the gate").isNotDone();
    GATE.release(3); // every replica applies it
    assertThat(done.get(30, TimeUnit.SECONDS)).isEqualTo(Int64Value.of(1));
    String clientThread = "paxos-client-" + Long.toHexString(client.clientId());
    assertThat(decodedOn.get()).isEqualTo(clientThread);
    assertThat(callbackOn.get()).isEqualTo(clientThread);
  }
}
