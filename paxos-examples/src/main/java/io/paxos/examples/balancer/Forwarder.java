package io.paxos.examples.balancer;

import io.paxos.examples.line.LineService;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Sends one request to the nodes in turn until one answers: the part shared by the UDP and the TCP
 * balancer. A node that does not answer within the timeout, refuses the connection or answers that
 * it is unavailable is skipped, and said so on {@code log}. Thread-safe.
 */
abstract class Forwarder {
  private static final byte[] UNAVAILABLE_BYTES =
      LineService.UNAVAILABLE.getBytes(StandardCharsets.UTF_8);

  private final NodeRotation nodes;
  private final Duration timeout;
  private final PrintWriter log;

  Forwarder(NodeRotation nodes, Duration timeout, PrintWriter log) {
    this.nodes = nodes;
    this.timeout = timeout;
    this.log = log;
  }

  /**
   * The first reply to {@code request} from a node that took it, or an {@code ERR} line. A node's
   * {@code ERR unavailable:} reply ({@link LineService#UNAVAILABLE}: not carried out) sends the
   * request on to the next node, like a silent node.
   */
  final byte[] forward(byte[] request) {
    boolean silent = false;
    String refusal = null;
    for (InetSocketAddress node : nodes.order()) {
      try {
        byte[] reply = exchange(node, request, (int) timeout.toMillis());
        if (!startsWith(reply, UNAVAILABLE_BYTES)) {
          return reply;
        }
        refusal = new String(reply, StandardCharsets.UTF_8).strip();
        skipped(node, refusal);
      } catch (SocketTimeoutException e) {
        silent = true;
        skipped(node, "no answer in " + timeout.toMillis() + "ms");
      } catch (PortUnreachableException e) {
        skipped(node, "port unreachable");
      } catch (IOException e) {
        skipped(node, String.valueOf(e.getMessage()));
      }
    }
    String reply;
    if (silent) {
      reply =
          "ERR no node answered in time (tried "
              + nodes.size()
              + ", "
              + timeout.toMillis()
              + "ms each); the request may or may not have been carried out";
    } else if (refusal != null) {
      reply = refusal;
    } else {
      reply = LineService.UNAVAILABLE + "no node could be reached (tried " + nodes.size() + ")";
    }
    return (reply + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static boolean startsWith(byte[] reply, byte[] prefix) {
    if (reply.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (reply[i] != prefix[i]) {
        return false;
      }
    }
    return true;
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
