package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.paxos.core.ApiSignatures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * No internal type in paxos-grpc's API signatures (docs/api-surface.md): neither paxos-core's
 * internal packages nor the generated {@code io.paxos.grpc.proto}, except in the types named here.
 */
class GrpcApiSignaturesTest {
  private static final ApiSignatures CHECK =
      new ApiSignatures(
          Set.of(
              "io.paxos.core.protocol",
              "io.paxos.core.sim",
              "io.paxos.core.host",
              "io.paxos.grpc.proto"));

  /**
   * The transport SPI's implementation, which carries the protocol's messages, and the wire codec,
   * internal and documented so, public only because the benchmarks measure it.
   */
  private static final Set<String> ALLOWED =
      Set.of("io.paxos.grpc.GrpcTransport", "io.paxos.grpc.MessageCodec");

  @Test
  void noApiSignatureMentionsAnInternalType() {
    List<Class<?>> api = CHECK.apiTypes(Path.of("target/classes"));
    assertThat(api).contains(NodeServer.class, io.paxos.grpc.client.PaxosClient.class);
    List<String> leaks = new ArrayList<>();
    for (Class<?> type : api) {
      if (ALLOWED.contains(type.getName())) {
        assertThat(CHECK.leaks(type)).as("%s still needs its exception", type).isNotEmpty();
      } else {
        leaks.addAll(CHECK.leaks(type));
      }
    }
    assertThat(leaks).as("internal types in API signatures").isEmpty();
  }
}
