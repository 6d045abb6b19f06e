package io.paxos.examples.balancer;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * Sends one request to the nodes in turn until one answers: the part shared by the UDP and the TCP
 * balancer. A node that does not answer within the timeout (or refuses the connection) is skipped,
 * and said so on {@code log}. Thread-safe.
 */
abstract class Forwarder {
  private final NodeRotation nodes;
  private final Duration timeout;
  private final PrintWriter log;

  Forwarder(NodeRotation nodes, Duration timeout, PrintWriter log) {
    this.nodes = nodes;
    this.timeout = timeout;
    this.log = log;
  }

  /** The first reply to {@code request} from a node, or an {@code ERR} line if none answered. */
  final byte[] forward(byte[] request) {
    for (InetSocketAddress node : nodes.order()) {
      try {
        return exchange(node, request, (int) timeout.toMillis());
      } catch (SocketTimeoutException e) {
        skipped(node, "no answer in " + timeout.toMillis() + "ms");
      } catch (PortUnreachableException e) {
        skipped(node, "port unreachable");
      } catch (IOException e) {
        skipped(node, String.valueOf(e.getMessage()));
      }
    }
    return ("ERR no node answered (tried "
            + nodes.size()
            + ", "
            + timeout.toMillis()
            + "ms each); the request may or may not have been carried out\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Send {@code request} to {@code node} and return its reply, within {@code timeoutMs}. */
  abstract byte[] exchange(InetSocketAddress node, byte[] request, int timeoutMs)
      throws IOException;

  private void skipped(InetSocketAddress node, String why) {
    synchronized (log) {
      log.println("skipped " + node.getHostString() + ":" + node.getPort() + ": " + why);
      log.flush();
    }
  }
}
