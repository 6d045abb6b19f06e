package io.paxos.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.InvalidProtocolBufferException;
import io.paxos.core.protocol.Message;
import io.paxos.core.protocol.PeerMessage;
import io.paxos.core.protocol.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Each benchmarked message round-trips through the codec, so both methods do real work. */
class MessageCodecBenchmarkTest {

  @ParameterizedTest
  @ValueSource(strings = {"accept", "accepted", "commit", "heartbeat"})
  void encodeAndDecodeAreInverses(String kind) throws InvalidProtocolBufferException {
    MessageCodecBenchmark benchmark = new MessageCodecBenchmark();
    benchmark.message = kind;
    benchmark.batchCommands = 16;
    benchmark.build();
    byte[] encoded = benchmark.encode();
    assertThat(encoded).isNotEmpty();
    PeerMessage decoded = benchmark.decode();
    assertThat(decoded).isEqualTo(MessageCodecBenchmark.sample(kind, 16));
  }

  @Test
  void theValuePathReadsEveryPayloadOfTheBatch() throws InvalidProtocolBufferException {
    MessageCodecBenchmark benchmark = new MessageCodecBenchmark();
    benchmark.message = "accept";
    benchmark.batchCommands = 64;
    benchmark.build();
    long payload = 0;
    for (var c :
        ((Message.Accept) MessageCodecBenchmark.sample("accept", 64)).values().get(0).commands()) {
      payload += c.payload().length;
    }
    assertThat(benchmark.valuePath()).isEqualTo(payload).isPositive();
  }

  @Test
  void theAcceptCarriesOneSlotWithABatchOfW1Writes() {
    Message.Accept accept = (Message.Accept) MessageCodecBenchmark.sample("accept", 16);
    assertThat(accept.values()).hasSize(1);
    Value.Batch batch = (Value.Batch) accept.values().get(0);
    assertThat(batch.commands()).hasSize(16);
    assertThat(batch.commands().get(0).payload().length).isGreaterThan(116);
  }

  @Test
  void anUnknownMessageIsRefused() {
    assertThatThrownBy(() -> MessageCodecBenchmark.sample("prepare", 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("accept, accepted, commit or heartbeat");
  }
}
