package io.paxos.examples.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 (an ephemeral port) in front of one node's gRPC port, for one direction
 * of one peer link: the node that dials it believes it is the target. {@link #cut} severs the link
 * as a partition would: open connections are closed and new ones are accepted but carry nothing
 * (the dialler hears nothing back) until {@link #heal}. Test code; {@link #close} stops it.
 */
final class LinkProxy implements AutoCloseable {
  private final ServerSocket server;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Thread acceptor;
  private volatile boolean cut;
  private volatile boolean closed;

  LinkProxy(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    this.acceptor = new Thread(this::accept, "link-proxy-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Sever the link: close what is open, and carry nothing until {@link #heal}. */
  void cut() {
    cut = true;
    closeAll(open);
  }

  /** Carry new connections again; the ones held silent while cut are closed, so they redial. */
  void heal() {
    cut = false;
    closeAll(held);
  }

  private void accept() {
    while (!closed) {
      try {
        Socket in = server.accept();
        if (cut) {
          held.add(in);
          continue;
        }
        Socket out;
        try {
          out = new Socket(InetAddress.getByName("127.0.0.1"), targetPort);
        } catch (IOException targetDown) {
          // The target is down (a killed node): refuse, as its own port would, so the dialler
          // retries instead of waiting on a connection that never answers.
          closeQuietly(in);
          continue;
        }
        in.setTcpNoDelay(true);
        out.setTcpNoDelay(true);
        open.add(in);
        open.add(out);
        pump(in, out);
        pump(out, in);
      } catch (IOException e) {
        // the proxy is closed
      }
    }
  }

  private void pump(Socket from, Socket to) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[16 * 1024];
              try (InputStream in = from.getInputStream();
                  OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  out.flush();
                }
              } catch (IOException e) {
                // one side closed: close both below
              } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
              }
            },
            "link-proxy-pump-" + server.getLocalPort());
    t.setDaemon(true);
    t.start();
  }

  private static void closeAll(List<Socket> sockets) {
    for (Socket s : List.copyOf(sockets)) {
      closeQuietly(s);
      sockets.remove(s);
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  @Override
  public void close() throws InterruptedException {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    closeAll(open);
    closeAll(held);
    acceptor.join(5_000);
  }
}
