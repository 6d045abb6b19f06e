package io.paxos.examples.balancer;

import io.paxos.examples.line.LineProtocolException;
import io.paxos.examples.line.LineRequest;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The balancer over UDP: each datagram a client sends is forwarded, as it is, to the next node's
 * line port from a socket of its own, and the node's reply datagram is sent back to the client from
 * the listening port. A node silent for the timeout, or whose port is closed, is skipped. Requests
 * are forwarded concurrently, at most {@value #MAX_IN_FLIGHT} at once (one more is answered {@code
 * ERR overloaded}). Thread-safe; {@link #close} stops it.
 */
final class UdpBalancer implements AutoCloseable {
  static final int MAX_IN_FLIGHT = 256;
  private static final int DATAGRAM_BYTES = 65_536;

  /** The nodes' answer to an empty request, given by the balancer itself. */
  private static final byte[] EMPTY_REFUSAL = emptyRefusal();

  private final DatagramChannel channel;
  private final Forwarder forwarder;
  private final ThreadPoolExecutor workers;
  private final Thread receiver;

  private UdpBalancer(
      DatagramChannel channel, NodeRotation nodes, Duration timeout, PrintWriter log) {
    this.channel = channel;
    this.forwarder =
        new Forwarder(nodes, timeout, log) {
          @Override
          byte[] exchange(InetSocketAddress node, byte[] request, int timeoutMs)
              throws IOException {
            try (DatagramSocket socket = new DatagramSocket()) {
              socket.connect(node);
              socket.setSoTimeout(timeoutMs);
              socket.send(new DatagramPacket(request, request.length));
              DatagramPacket reply = new DatagramPacket(new byte[DATAGRAM_BYTES], DATAGRAM_BYTES);
              socket.receive(reply);
              return Arrays.copyOf(reply.getData(), reply.getLength());
            }
          }
        };
    int port = channel.socket().getLocalPort();
    this.workers = Workers.bounded("balancer-udp-" + port + "-request", MAX_IN_FLIGHT);
    this.receiver = new Thread(this::receive, "balancer-udp-" + port);
    this.receiver.setDaemon(true);
  }

  static UdpBalancer start(
      ListenAddress listen, NodeRotation nodes, Duration timeout, PrintWriter log) {
    DatagramChannel channel;
    try {
      channel = DatagramChannel.open();
      try {
        channel.bind(new InetSocketAddress(listen.host(), listen.port()));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    UdpBalancer b = new UdpBalancer(channel, nodes, timeout, log);
    b.receiver.start();
    return b;
  }

  int port() {
    return channel.socket().getLocalPort();
  }

  private void receive() {
    ByteBuffer buffer = ByteBuffer.allocate(DATAGRAM_BYTES);
    while (channel.isOpen()) {
      SocketAddress client;
      try {
        buffer.clear();
        client = channel.receive(buffer);
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        continue;
      }
      if (client == null) {
        continue;
      }
      byte[] request = Arrays.copyOf(buffer.array(), buffer.position());
      if (request.length == 0) {
        reply(client, EMPTY_REFUSAL); // the JDK sends no empty datagram, so it cannot be forwarded
        continue;
      }
      try {
        workers.execute(() -> reply(client, forwarder.forward(request)));
      } catch (RejectedExecutionException e) {
        reply(
            client,
            "ERR overloaded: too many requests at once (not forwarded)\n"
                .getBytes(StandardCharsets.UTF_8));
      }
    }
  }

  private void reply(SocketAddress client, byte[] reply) {
    try {
      channel.send(ByteBuffer.wrap(reply), client);
    } catch (IOException e) {
      // the client is gone: UDP replies are best effort
    }
  }

  private static byte[] emptyRefusal() {
    try {
      LineRequest.parse(new byte[0], 0);
      throw new AssertionError("an empty request was accepted");
    } catch (LineProtocolException e) {
      return ("ERR " + e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
    workers.shutdownNow();
    try {
      receiver.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
