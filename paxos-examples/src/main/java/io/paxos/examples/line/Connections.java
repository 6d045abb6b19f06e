package io.paxos.examples.line;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;

/** Closing a TCP connection whose peer may still be sending. */
public final class Connections {
  private static final int DRAIN_BYTES = 1 << 20;
  private static final int DRAIN_TIMEOUT_MS = 1_000;

  private Connections() {}

  /**
   * Close {@code socket} so that what was written to it reaches the peer: closing a socket with
   * unread bytes resets the connection, which may discard the last reply (the {@code ERR} line
   * saying why it is closed). So the output is shut first, then up to 1 MiB the peer still sends is
   * read and dropped, for at most a second.
   */
  public static void closeGracefully(Socket socket) {
    try (socket) {
      socket.shutdownOutput();
      socket.setSoTimeout(DRAIN_TIMEOUT_MS);
      InputStream in = socket.getInputStream();
      byte[] skip = new byte[8192];
      int drained = 0;
      int n;
      while (drained < DRAIN_BYTES && (n = in.read(skip)) >= 0) {
        drained += n;
      }
    } catch (IOException e) {
      // closed anyway
    }
  }
}
