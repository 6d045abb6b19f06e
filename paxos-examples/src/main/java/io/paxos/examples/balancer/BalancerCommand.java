package io.paxos.examples.balancer;

import io.paxos.examples.cli.Durations;
import io.paxos.grpc.Endpoint;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples balancer}: a round-robin load balancer in front of the nodes' line ports.
 * Each request goes to the next node; a node that does not answer in time is skipped for the one
 * after it, so requests are answered while a node is down. The balancer holds no state: any node
 * takes any request (a write is forwarded to the leader by the node, a read is linearizable).
 *
 * <p>Prints {@code BALANCING ...} once it listens, then runs until SIGTERM or Ctrl-C; each skipped
 * node is reported on stderr.
 */
@Command(
    name = "balancer",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Round-robin load balancer for the key-value nodes' line protocol (server --line-port).",
      "Each request (a UDP datagram or a TCP line) goes to the next node; a node that does not"
          + " answer within --timeout is skipped for the next one."
    },
    footer = {
      "",
      "Example:",
      "  balancer --listen udp:8000 --nodes 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003",
      "  echo \"PUT k v\" | nc -u -w1 127.0.0.1 8000"
    })
public final class BalancerCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      required = true,
      split = ",",
      paramLabel = "PROTO:[HOST:]PORT",
      converter = ListenAddress.Converter.class,
      description =
          "Where to take requests: udp:PORT, tcp:PORT or udp:HOST:PORT (host 127.0.0.1 unless"
              + " given; port 0: a free one); repeat it, or separate with commas, for both.")
  List<ListenAddress> listen;

  @Option(
      names = "--nodes",
      required = true,
      paramLabel = "HOST:PORT,...",
      description = "The nodes' line ports (server --line-port), over the same protocol.")
  String nodes;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "500ms",
      converter = Durations.class,
      description =
          "How long a node may take to answer before the next is tried (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<InetSocketAddress> addresses = new ArrayList<>();
    try {
      for (Endpoint e : Endpoint.parseList(nodes)) {
        addresses.add(new InetSocketAddress(e.host(), e.port()));
      }
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--nodes: " + e.getMessage());
    }
    NodeRotation rotation = new NodeRotation(addresses);
    List<AutoCloseable> running = new ArrayList<>();
    try {
      for (ListenAddress l : listen) {
        int port;
        if (l.udp()) {
          UdpBalancer b = UdpBalancer.start(l, rotation, timeout, err);
          running.add(b);
          port = b.port();
        } else {
          TcpBalancer b = TcpBalancer.start(l, rotation, timeout, err);
          running.add(b);
          port = b.port();
        }
        out.println(
            "BALANCING "
                + l.protocol()
                + " "
                + l.host()
                + ":"
                + port
                + " over "
                + addresses.stream()
                    .map(a -> a.getHostString() + ":" + a.getPort())
                    .collect(Collectors.joining(", "))
                + " (round robin; a node silent for "
                + timeout.toMillis()
                + "ms is skipped)");
      }
      out.flush();
    } catch (UncheckedIOException e) {
      closeAll(running);
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeAll(running);
                  stopped.countDown();
                },
                "balancer-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAll(running);
    }
    return 0;
  }

  private static void closeAll(List<AutoCloseable> running) {
    for (AutoCloseable c : running) {
      try {
        c.close();
      } catch (Exception e) {
        // closing anyway
      }
    }
  }
}
