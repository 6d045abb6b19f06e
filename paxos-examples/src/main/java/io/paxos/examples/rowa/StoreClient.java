package io.paxos.examples.rowa;

import io.paxos.grpc.Endpoint;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One connection to a store: sends a request line, waits for its answer line. A timeout or an error
 * closes the connection (a late answer must not be taken for the next request's) and the next call
 * opens a new one. Not thread-safe.
 */
final class StoreClient implements AutoCloseable {
  private final Endpoint store;
  private final int timeoutMs;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  StoreClient(Endpoint store, Duration timeout) {
    this.store = store;
    this.timeoutMs = (int) timeout.toMillis();
  }

  Endpoint store() {
    return store;
  }

  /**
   * The store's answer to {@code request}, without its line end.
   *
   * @throws IOException if the store cannot be reached or does not answer in time
   */
  String call(String request) throws IOException {
    try {
      if (socket == null) {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(store.host(), store.port()), timeoutMs);
        s.setSoTimeout(timeoutMs);
        s.setTcpNoDelay(true);
        socket = s;
        in = new BufferedInputStream(s.getInputStream());
        out = s.getOutputStream();
      }
      out.write((request + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      byte[] line = Lines.read(in, StoreProtocol.MAX_LINE_BYTES);
      if (line == null || line[line.length - 1] != '\n') {
        throw new IOException("the store closed the connection");
      }
      return new String(line, 0, line.length - 1, StandardCharsets.UTF_8);
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
