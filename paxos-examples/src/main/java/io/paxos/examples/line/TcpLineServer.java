package io.paxos.examples.line;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The line protocol over TCP: each line of a connection is one request, answered by one line, in
 * order. A thread per connection, at most {@value #MAX_CONNECTIONS} (one more is answered {@code
 * ERR} and closed); a line over {@link LineRequest#MAX_BYTES} is answered {@code ERR} and its
 * connection closed, and so is a connection idle for {@link #IDLE_TIMEOUT_MS} ms. Thread-safe;
 * {@link #close} stops it and closes every connection.
 */
public final class TcpLineServer implements AutoCloseable {
  /** Connections served at once, at most. */
  public static final int MAX_CONNECTIONS = 64;

  /** A connection with no request for this long is closed. */
  public static final int IDLE_TIMEOUT_MS = 300_000;

  private final ServerSocket socket;
  private final LineService service;
  private final ThreadPoolExecutor connections;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  private TcpLineServer(ServerSocket socket, LineService service) {
    this.socket = socket;
    this.service = service;
    int port = socket.getLocalPort();
    this.connections =
        new ThreadPoolExecutor(
            0,
            MAX_CONNECTIONS,
            30,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "line-tcp-" + port + "-connection");
              t.setDaemon(true);
              return t;
            });
    this.acceptor = new Thread(this::accept, "line-tcp-" + port);
    this.acceptor.setDaemon(true);
  }

  /**
   * Bind {@code host:port} (0: any free port) and serve.
   *
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static TcpLineServer start(String host, int port, LineService service) {
    ServerSocket socket;
    try {
      socket = new ServerSocket();
      try {
        socket.bind(new InetSocketAddress(host, port));
      } catch (IOException | RuntimeException e) {
        socket.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind the TCP line port " + host + ":" + port, e);
    }
    TcpLineServer server = new TcpLineServer(socket, service);
    server.acceptor.start();
    return server;
  }

  /** The bound port. */
  public int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!socket.isClosed()) {
      Socket client;
      try {
        client = socket.accept();
      } catch (IOException e) {
        continue; // closed (the loop ends), or one failed accept
      }
      open.add(client);
      try {
        connections.execute(() -> serve(client));
      } catch (RejectedExecutionException e) {
        reply(client, LineService.unavailable("too many connections"));
        closeQuietly(client);
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
          write(
              out,
              LineService.error(
                  "line longer than " + LineRequest.MAX_BYTES + " bytes; closing the connection"));
          Connections.closeGracefully(client);
          return;
        }
        write(out, service.handle(line, line.length).get());
      }
    } catch (IOException e) {
      // the client went away, or idled out
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      // not reached: the service's futures never fail
    } finally {
      open.remove(client);
    }
  }

  private static void write(OutputStream out, String line) throws IOException {
    out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static void reply(Socket client, String line) {
    try {
      write(client.getOutputStream(), line);
    } catch (IOException e) {
      // best effort
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  /** Stop accepting and close every connection. Idempotent. */
  @Override
  public void close() {
    closeQuietly(socket);
    for (Socket s : open) {
      closeQuietly(s);
    }
    connections.shutdownNow();
    try {
      acceptor.join(TimeUnit.SECONDS.toMillis(5));
      connections.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void closeQuietly(ServerSocket s) {
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
