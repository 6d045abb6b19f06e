package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.grpc.Endpoint;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The per-attempt wait after which a silent node is suspected: its bounds. */
class AttemptTimeoutTest {
  @Test
  void zeroAndNegativeAreRefused() {
    assertThatThrownBy(() -> PaxosClient.builder().attemptTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attemptTimeout must be positive");
    assertThatThrownBy(() -> PaxosClient.builder().attemptTimeout(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PaxosClient.builder().attemptTimeout(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void theLongestDurationMeansNeverSuspectBeforeAThirdOfTheDeadline() throws Exception {
    Endpoint nowhere;
    try (ServerSocket s = new ServerSocket(0)) {
      nowhere = new Endpoint("127.0.0.1", s.getLocalPort());
    }
    try (PaxosClient client =
        PaxosClient.builder()
            .endpoints(List.of(nowhere))
            .attemptTimeout(Duration.ofSeconds(Long.MAX_VALUE))
            .timeout(Duration.ofMillis(200))
            .build()) {
      assertThatThrownBy(() -> client.submit(new byte[] {1}).get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(NoReachableNodeException.class);
    }
  }
}
