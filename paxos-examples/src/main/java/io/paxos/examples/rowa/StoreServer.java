package io.paxos.examples.rowa;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Serves a {@link RowaStore} over TCP, one request line and one answer line at a time per
 * connection ({@link StoreProtocol}). At most {@value #MAX_CONNECTIONS} connections, idle ones
 * closed after 5 minutes; a line over {@link StoreProtocol#MAX_LINE_BYTES} is answered {@code ERR}
 * and its connection closed. A store that cannot write its log stops the process (fail-stop: it
 * must not answer what it did not make durable).
 */
final class StoreServer implements AutoCloseable {
  static final int MAX_CONNECTIONS = 32;
  private static final int IDLE_MS = 5 * 60 * 1000;

  private final ServerSocket socket;
  private final StoreProtocol protocol;
  private final PrintStream err;
  private final Semaphore slots = new Semaphore(MAX_CONNECTIONS);
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;
  private volatile boolean closing;

  private StoreServer(ServerSocket socket, StoreProtocol protocol, PrintStream err) {
    this.socket = socket;
    this.protocol = protocol;
    this.err = err;
    this.acceptor = new Thread(this::accept, "store-accept");
    this.acceptor.setDaemon(true);
  }

  /** Listen on {@code host:port} (0: a free port). */
  static StoreServer start(RowaStore store, String host, int port, PrintStream err)
      throws IOException {
    ServerSocket s = new ServerSocket(port, 64, InetAddress.getByName(host));
    StoreServer server = new StoreServer(s, new StoreProtocol(store), err);
    server.acceptor.start();
    return server;
  }

  int port() {
    return socket.getLocalPort();
  }

  private void accept() {
    while (!closing) {
      Socket c;
      try {
        c = socket.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (!slots.tryAcquire()) {
        refuse(c);
        continue;
      }
      open.add(c);
      Thread t = new Thread(() -> serve(c), "store-conn");
      t.setDaemon(true);
      t.start();
    }
  }

  private static void refuse(Socket c) {
    try (c) {
      c.getOutputStream()
          .write(
              ("ERR too many connections (" + MAX_CONNECTIONS + ")\n")
                  .getBytes(StandardCharsets.US_ASCII));
    } catch (IOException e) {
      // gone already
    }
  }

  private void serve(Socket c) {
    try (c) {
      c.setSoTimeout(IDLE_MS);
      c.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(c.getInputStream());
      OutputStream out = new BufferedOutputStream(c.getOutputStream());
      while (true) {
        byte[] line;
        try {
          line = Lines.read(in, StoreProtocol.MAX_LINE_BYTES);
        } catch (Lines.TooLongException e) {
          out.write(
              ("ERR request longer than "
                      + StoreProtocol.MAX_LINE_BYTES
                      + " bytes; closing the connection\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.flush();
          c.shutdownOutput();
          c.setSoTimeout(2000);
          drain(in);
          return;
        }
        if (line == null) {
          return;
        }
        String answer;
        try {
          answer = protocol.answer(line);
        } catch (UncheckedIOException e) {
          err.println("error: store stopped: " + e.getMessage() + ": " + e.getCause());
          err.flush();
          Runtime.getRuntime().halt(1);
          return;
        }
        out.write((answer + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (SocketException e) {
      // reset or closed
    } catch (IOException e) {
      // idle, or the peer went away
    } finally {
      open.remove(c);
      slots.release();
    }
  }

  /** Read what the peer still sends (bounded by the idle timeout), so closing does not reset. */
  private static void drain(InputStream in) throws IOException {
    byte[] b = new byte[8192];
    long total = 0;
    while (in.read(b) >= 0 && total < (64L << 20)) {
      total += b.length;
    }
  }

  @Override
  public void close() {
    closing = true;
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
    for (Socket c : open) {
      try {
        c.close();
      } catch (IOException e) {
        // closing anyway
      }
    }
  }
}
