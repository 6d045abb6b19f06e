package io.paxos.examples.balancer;

import io.paxos.examples.line.Connections;
import io.paxos.examples.line.LineReader;
import io.paxos.examples.line.LineRequest;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The balancer over TCP: each line a client sends is forwarded to the next node over a connection
 * of its own, and the node's reply line is written back to the client, in order. A node that
 * refuses the connection or is silent for the timeout is skipped. A line over {@link
 * LineRequest#MAX_BYTES} is answered {@code ERR} and its connection closed. At most {@value
 * #MAX_CONNECTIONS} client connections at once. Thread-safe; {@link #close} stops it.
 */
final class TcpBalancer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 256;
  private static final int IDLE_TIMEOUT_MS = 300_000;

  /** A reply holds at most a request's worth of value, and a word before it. */
  private static final int MAX_REPLY_BYTES = 2 * LineRequest.MAX_BYTES;

  private final ServerSocket socket;
  private final Forwarder forwarder;
  private final ThreadPoolExecutor connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private TcpBalancer(ServerSocket socket, NodeRotation nodes, Duration timeout, PrintWriter log) {
    this.socket = socket;
    this.forwarder =
        new Forwarder(nodes, timeout, log) {
          @Override
          byte[] exchange(InetSocketAddress node, byte[] request, int timeoutMs)
              throws IOException {
            try (Socket s = new Socket()) {
              s.connect(node, timeoutMs);
              s.setSoTimeout(timeoutMs);
              OutputStream out = s.getOutputStream();
              out.write(request);
              if (request.length == 0 || request[request.length - 1] != '\n') {
                out.write('\n');
              }
              out.flush();
              LineReader in =
                  new LineReader(new BufferedInputStream(s.getInputStream()), MAX_REPLY_BYTES);
              byte[] reply = in.next();
              if (reply == null || reply[reply.length - 1] != '\n') {
                throw new SocketTimeoutException("the node closed the connection without a reply");
              }
              return reply;
            }
          }
        };
    int port = socket.getLocalPort();
    this.connections = Workers.bounded("balancer-tcp-" + port + "-connection", MAX_CONNECTIONS);
    this.acceptor = new Thread(this::accept, "balancer-tcp-" + port);
    this.acceptor.setDaemon(true);
  }

  static TcpBalancer start(
      ListenAddress listen, NodeRotation nodes, Duration timeout, PrintWriter log) {
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      try {
        socket.bind(new InetSocketAddress(listen.host(), listen.port()));
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + listen + ": " + e.getMessage(), e);
    }
    TcpBalancer b = new TcpBalancer(socket, nodes, timeout, log);
    b.acceptor.start();
    return b;
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        continue;
      }
      open.add(client);
      try {
        connections.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        try (client) {
          client
              .getOutputStream()
              .write("ERR too many connections; retry later\n".getBytes(StandardCharsets.UTF_8));
        } catch (IOException closed) {
          // best effort
        }
        open.remove(client);
      }
    }
  }

  private void serve(Socket client) {
    try (client) {
      client.setSoTimeout(IDLE_TIMEOUT_MS);
      LineReader lines =
          new LineReader(new BufferedInputStream(client.getInputStream()), LineRequest.MAX_BYTES);
      OutputStream out = client.getOutputStream();
      byte[] line;
      while ((line = lines.next()) != null) {
        if (lines.tooLong(line)) {
          out.write(
              ("ERR line longer than " + LineRequest.MAX_BYTES + " bytes; closing the connection\n")
                  .getBytes(StandardCharsets.UTF_8));
          out.flush();
          Connections.closeGracefully(client);
          return;
        }
        out.write(forwarder.forward(line));
        out.flush();
      }
    } catch (IOException e) {
      // the client went away, or idled out
    } finally {
      open.remove(client);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket s : open) {
      try {
        s.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
    connections.shutdownNow();
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
