package io.paxos.examples.line;

import java.io.UncheckedIOException;

/**
 * The line protocol on one port number over both UDP and TCP. Thread-safe; {@link #close} stops
 * both.
 */
public final class LineServers implements AutoCloseable {
  private static final int ATTEMPTS = 20;

  private final UdpLineServer udp;
  private final TcpLineServer tcp;

  private LineServers(UdpLineServer udp, TcpLineServer tcp) {
    this.udp = udp;
    this.tcp = tcp;
  }

  /**
   * Serve {@code service} on UDP and TCP {@code host:port}. For port 0 a free UDP port is taken,
   * then the same number over TCP (another pair is tried if that one is taken).
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static LineServers start(String host, int port, LineService service) {
    for (int attempt = 1; ; attempt++) {
      UdpLineServer udp = UdpLineServer.start(host, port, service);
      try {
        return new LineServers(udp, TcpLineServer.start(host, udp.port(), service));
      } catch (UncheckedIOException e) {
        udp.close();
        if (port != 0 || attempt == ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  /** The port both listen on. */
  public int port() {
    return udp.port();
  }

  @Override
  public void close() {
    udp.close();
    tcp.close();
  }
}
