package io.paxos.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.paxos.core.config.ClusterConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The gRPC port bounds its connections: how many, and how long a handshake may take. */
class ConnectionLimitsTest {
  private static final ClusterConfig CONFIG = ClusterConfig.of("limits", 1, 2, 3);

  @Test
  @DisplayName(
      "with N connections open, the N+1th is closed at once; when one closes, a new one is"
          + " accepted")
  void connectionCap() throws Exception {
    List<Socket> sockets = new ArrayList<>();
    try (PaxosServer server =
        server(ConnectionLimits.defaults().withMaxConnections(3).withHandshakeTimeout(hour()))) {
      for (int i = 0; i < 3; i++) {
        sockets.add(new Socket("127.0.0.1", server.port()));
      }
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.openConnections() == 3);

      try (Socket extra = new Socket("127.0.0.1", server.port())) {
        assertThat(closedByServer(extra)).isTrue();
      }
      assertThat(server.refusedConnections()).isEqualTo(1);
      assertThat(server.openConnections()).isEqualTo(3);

      sockets.remove(0).close();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.openConnections() == 2);
      sockets.add(new Socket("127.0.0.1", server.port()));
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.openConnections() == 3);
      assertThat(server.refusedConnections()).isEqualTo(1);
    } finally {
      for (Socket s : sockets) {
        s.close();
      }
    }
  }

  @Test
  @DisplayName("a connection that never completes the HTTP/2 handshake is closed after the timeout")
  void handshakeTimeout() throws Exception {
    try (PaxosServer server =
            server(ConnectionLimits.defaults().withHandshakeTimeout(Duration.ofMillis(300)));
        Socket silent = new Socket("127.0.0.1", server.port())) {
      assertThat(closedByServer(silent)).isTrue();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> server.openConnections() == 0);
    }
  }

  @Test
  @DisplayName("limits out of range are refused when configured, naming the field")
  void limitsAreValidated() {
    ConnectionLimits d = ConnectionLimits.defaults();
    assertThatThrownBy(() -> d.withMaxConnections(0)).hasMessageContaining("maxConnections 0");
    assertThatThrownBy(() -> d.withMaxConnections(-1)).hasMessageContaining("maxConnections -1");
    assertThatThrownBy(() -> d.withHelloTimeout(Duration.ZERO))
        .hasMessageContaining("helloTimeout");
    assertThatThrownBy(() -> d.withHandshakeTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("handshakeTimeout");
    assertThatThrownBy(() -> d.withMaxConnectionIdle(Duration.ofDays(2)))
        .hasMessageContaining("maxConnectionIdle");
    assertThatThrownBy(
            () ->
                new ConnectionLimits(
                    10,
                    d.handshakeTimeout(),
                    d.helloTimeout(),
                    d.maxConnectionIdle(),
                    Duration.ofSeconds(1),
                    d.keepAliveTimeout(),
                    10))
        .hasMessageContaining("keepAliveTime");
    assertThatThrownBy(
            () ->
                new ConnectionLimits(
                    10,
                    d.handshakeTimeout(),
                    d.helloTimeout(),
                    d.maxConnectionIdle(),
                    d.keepAliveTime(),
                    d.keepAliveTimeout(),
                    0))
        .hasMessageContaining("maxCallsPerConnection");
  }

  private static Duration hour() {
    return Duration.ofHours(1);
  }

  private static PaxosServer server(ConnectionLimits limits) {
    return PaxosServer.builder()
        .config(CONFIG)
        .nodeId(1)
        .listen("127.0.0.1", 0)
        .limits(limits)
        .start();
  }

  /**
   * True when the server closes {@code socket} (end of stream or reset) before the test's patience.
   */
  private static boolean closedByServer(Socket socket) throws IOException {
    socket.setSoTimeout(30_000);
    InputStream in = socket.getInputStream();
    try {
      byte[] buffer = new byte[1024];
      while (in.read(buffer) >= 0) {
        // the node may send its HTTP/2 settings or a GOAWAY first
      }
      return true;
    } catch (SocketException e) {
      return true; // reset
    }
  }
}
