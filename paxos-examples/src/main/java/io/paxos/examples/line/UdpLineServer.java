package io.paxos.examples.line;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The line protocol over UDP: each datagram is one request, answered by one datagram to its sender.
 * One thread receives; requests run on the node asynchronously, at most {@value #MAX_IN_FLIGHT} at
 * once (one more is answered {@code ERR overloaded} at once), and replies are sent from one thread.
 * Thread-safe; {@link #close} stops it.
 */
public final class UdpLineServer implements AutoCloseable {
  /** Requests being carried out at once, at most. */
  public static final int MAX_IN_FLIGHT = 1024;

  /** Larger than any datagram, so a datagram over the limit is seen whole, not cut silently. */
  private static final int RECEIVE_BYTES = 65_536;

  private final DatagramChannel channel;
  private final LineService service;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final ExecutorService replies;
  private final Thread receiver;

  private UdpLineServer(DatagramChannel channel, LineService service) {
    this.channel = channel;
    this.service = service;
    int port = channel.socket().getLocalPort();
    this.replies =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "line-udp-" + port + "-replies");
              t.setDaemon(true);
              return t;
            });
    this.receiver = new Thread(this::receive, "line-udp-" + port);
    this.receiver.setDaemon(true);
  }

  /**
   * Bind {@code host:port} (0: any free port) and serve.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static UdpLineServer start(String host, int port, LineService service) {
    DatagramChannel channel;
    try {
      channel = DatagramChannel.open();
      try {
        channel.bind(new InetSocketAddress(host, port));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the UDP line port " + host + ":" + port, e);
    }
    UdpLineServer server = new UdpLineServer(channel, service);
    server.receiver.start();
    return server;
  }

  /** The bound port. */
  public int port() {
    return channel.socket().getLocalPort();
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocate(RECEIVE_BYTES);
    while (channel.isOpen()) {
      SocketAddress from;
      try {
        buffer.clear();
        from = channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue; // one bad datagram (or an ICMP error) must not stop the others
      }
      if (from == null) {
        continue;
      }
      byte[] request = Arrays.copyOf(buffer.array(), buffer.position());
      if (!inFlight.tryAcquire()) {
        send(LineService.unavailable("too many requests at once"), from);
        continue;
      }
      try {
        service
            .handle(request, request.length)
            .whenCompleteAsync(
                (line, error) -> {
                  inFlight.release();
                  send(line != null ? line : LineService.error("internal error: " + error), from);
                },
                replies);
      } catch (RuntimeException e) { // the replies executor is shut down: closing
        inFlight.release();
      }
    }
  }

  private void send(String line, SocketAddress to) {
    try {
      channel.send(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)), to);
    } catch (IOException e) {
      // the client is gone, or the channel closed: a reply over UDP is best effort
    }
  }

  /** Stop receiving and replying. Idempotent. */
  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    replies.shutdownNow();
    try {
      receiver.join(TimeUnit.SECONDS.toMillis(5));
      replies.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
