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
import java.util.concurrent.TimeUnit;
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

  private static LocalCluster cluster;
  private static PaxosClient client;

  @BeforeAll
  static void start() {
    cluster =
        LocalCluster.builder()
            .config(ClusterConfig.of("words", 1, 2, 3))
            .stateMachines(id -> CODECS.stateMachine(new WordCount()))
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
}
