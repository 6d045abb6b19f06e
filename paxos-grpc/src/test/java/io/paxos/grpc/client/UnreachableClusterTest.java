package io.paxos.grpc.client;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.Consistency;
import io.paxos.grpc.Endpoint;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A call that never reached a node fails with {@link NoReachableNodeException} (nothing was
 * applied), also when its deadline passes while the client is still dialling, and never with {@link
 * ClientDeadlineException}, which says a command may have been applied.
 */
class UnreachableClusterTest {
  @Test
  void aNodeThatAcceptsTcpButNeverSpeaksGrpcReceivedNothing() throws Exception {
    // The kernel accepts the connection; no HTTP/2 handshake ever completes.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      List<Socket> accepted = new ArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                try {
                  while (true) {
                    accepted.add(silent.accept());
                  }
                } catch (Exception closed) {
                  // the test is over
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      Endpoint endpoint = new Endpoint("127.0.0.1", silent.getLocalPort());
      try (PaxosClient client =
          PaxosClient.builder()
              .endpoints(List.of(endpoint))
              .timeout(Duration.ofMillis(500))
              .build()) {
        assertThatThrownBy(() -> client.submit(new byte[] {1}).get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class)
            .hasCauseInstanceOf(NoReachableNodeException.class)
            .hasMessageContaining(endpoint.toString());
        assertThatThrownBy(
                () ->
                    client.read(new byte[] {1}, Consistency.LINEARIZABLE).get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(NoReachableNodeException.class);
      }
      for (Socket s : accepted) {
        s.close();
      }
    }
  }

  @Test
  void aDeadlineShorterThanTheDialStillSaysNothingWasReached() throws Exception {
    Endpoint nowhere;
    try (ServerSocket s = new ServerSocket(0)) {
      nowhere = new Endpoint("127.0.0.1", s.getLocalPort());
    }
    try (PaxosClient client =
        PaxosClient.builder().endpoints(List.of(nowhere)).timeout(Duration.ofMillis(1)).build()) {
      for (int i = 0; i < 20; i++) {
        assertThatThrownBy(() -> client.submit(new byte[] {1}).get(30, TimeUnit.SECONDS))
            .hasCauseInstanceOf(NoReachableNodeException.class);
      }
    }
  }
}
