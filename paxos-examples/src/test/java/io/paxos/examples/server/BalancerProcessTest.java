package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.examples.Main;
import io.paxos.examples.line.LineRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seed 000 as real processes on 127.0.0.1: three {@code server --line-port 0} nodes, a {@code
 * balancer} in front of them over UDP and TCP, puts and gets through it with real sockets, hostile
 * datagrams answered with ERR lines, the leader killed with {@code kill -9}, and requests still
 * answered.
 */
class BalancerProcessTest {
  private static final Pattern LINE_PORT = Pattern.compile("READY node \\d+ .* line (\\d+) ");
  private static final Pattern BALANCING =
      Pattern.compile("BALANCING (udp|tcp) 127\\.0\\.0\\.1:(\\d+) over");

  @Test
  void requestsThroughTheBalancerAreAnsweredWhileANodeIsDown(@TempDir Path dir) throws Exception {
    Map<Integer, String> roles = new LinkedHashMap<>();
    for (int id = 1; id <= 3; id++) {
      roles.put(id, "[proposer, acceptor, learner]");
    }
    Process balancer = null;
    try (ServerProcesses nodes =
        new ServerProcesses(
            dir,
            "line",
            roles,
            "protocol: {heartbeat-interval: 50ms, election-timeout: 300ms..600ms, command-timeout: 2s}\n")) {
      List<String> linePorts = new ArrayList<>();
      for (int id = 1; id <= 3; id++) {
        nodes.launch(id, "--log-level", "warn", "--bootstrap-new", "--line-port", "0");
      }
      for (int id = 1; id <= 3; id++) {
        nodes.awaitReady(id);
        Matcher m = LINE_PORT.matcher(nodes.log(id));
        assertThat(m.find()).as(nodes.log(id)).isTrue();
        linePorts.add("127.0.0.1:" + m.group(1));
      }
      Path balancerLog = dir.resolve("balancer.log");
      balancer =
          new ProcessBuilder(
                  java(
                      "balancer",
                      "--listen",
                      "udp:127.0.0.1:0,tcp:127.0.0.1:0",
                      "--nodes",
                      String.join(",", linePorts),
                      "--timeout",
                      "1s"))
              .redirectErrorStream(true)
              .redirectOutput(balancerLog.toFile())
              .start();
      Map<String, Integer> ports = awaitBalancing(balancer, balancerLog);
      InetSocketAddress udp = new InetSocketAddress("127.0.0.1", ports.get("udp"));
      InetSocketAddress tcp = new InetSocketAddress("127.0.0.1", ports.get("tcp"));

      // The first write waits for a leader; later ones are answered at once.
      awaitAnswer(udp, "PUT k-0 v-0", "OK");
      for (int i = 1; i < 10; i++) {
        awaitAnswer(udp, "PUT k-" + i + " value " + i, "OK");
      }
      for (int i = 1; i < 10; i++) {
        assertThat(udp(udp, "GET k-" + i)).isEqualTo("VALUE value " + i);
      }
      assertThat(udp(udp, "GET nothing")).isEqualTo("NOT_FOUND");
      assertThat(udp(udp, "DEL k-0")).isEqualTo("DELETED");
      assertThat(udp(udp, "DEL k-0")).isEqualTo("NOT_FOUND");
      assertThat(tcp(tcp, "PUT t over tcp", "GET t", "GET k-3", "del t", "GET t"))
          .containsExactly("OK", "VALUE over tcp", "VALUE value 3", "DELETED", "NOT_FOUND");

      // Hostile input, through the balancer and straight at a node: an ERR line, never a crash.
      int node1 = Integer.parseInt(linePorts.get(0).substring("127.0.0.1:".length()));
      for (InetSocketAddress to : List.of(udp, new InetSocketAddress("127.0.0.1", node1))) {
        emptyDatagram(to).ifPresent(reply -> assertThat(reply).startsWith("ERR empty request"));
        assertThat(udp(to, new byte[] {(byte) 0xC3, (byte) 0x28, '\n'}))
            .contains("not valid UTF-8");
        assertThat(udp(to, new byte[] {0, 1, 2, 3, (byte) 0xFF})).startsWith("ERR ");
        assertThat(udp(to, "PUT k")).contains("PUT needs a key and a value");
        assertThat(udp(to, "GET")).contains("GET needs a key");
        assertThat(udp(to, "FLUSHALL")).contains("unknown request 'FLUSHALL'");
        assertThat(udp(to, "GET a\nGET b\n")).contains("more than one line");
        assertThat(udp(to, "GET " + "k".repeat(1025))).contains("over the limit of 1024");
        assertThat(udp(to, request(LineRequest.MAX_BYTES))).isEqualTo("OK");
        assertThat(udp(to, request(LineRequest.MAX_BYTES + 1)))
            .isEqualTo(
                "ERR request of "
                    + (LineRequest.MAX_BYTES + 1)
                    + " bytes is over the limit of "
                    + LineRequest.MAX_BYTES
                    + " bytes");
      }
      assertThat(udp(udp, "GET big"))
          .hasSize("VALUE ".length() + LineRequest.MAX_BYTES - "PUT big ".length() - 1);
      byte[] tooLong = new byte[LineRequest.MAX_BYTES + 1];
      Arrays.fill(tooLong, (byte) 'x');
      InetSocketAddress node1Tcp = new InetSocketAddress("127.0.0.1", node1);
      for (InetSocketAddress to : List.of(tcp, node1Tcp)) {
        assertThat(tcp(to, "GET k-1", new String(tooLong, StandardCharsets.US_ASCII), "GET k-2"))
            .containsExactly(
                "VALUE value 1",
                "ERR line longer than " + LineRequest.MAX_BYTES + " bytes; closing the connection");
      }
      assertThat(tcp(node1Tcp, "GET k-4", "", "PUT k", "GET k-5"))
          .containsExactly(
              "VALUE value 4",
              "ERR unknown request ''; send PUT key value, GET key or DEL key",
              "ERR PUT needs a key and a value; send PUT key value, GET key or DEL key",
              "VALUE value 5");

      // kill -9 the leader: every request is still answered, by the nodes left.
      int leader = ClusterWrites.leader(nodes, 1, 2, 3);
      nodes.kill(leader);
      for (int i = 10; i < 20; i++) {
        awaitAnswer(udp, "PUT k-" + i + " value " + i, "OK");
      }
      for (int i = 1; i < 20; i++) {
        awaitAnswer(udp, "GET k-" + i, "VALUE value " + i);
      }
      assertThat(tcp(tcp, "GET k-15", "GET k-16", "GET k-17"))
          .containsExactly("VALUE value 15", "VALUE value 16", "VALUE value 17");
      assertThat(Files.readString(balancerLog))
          .contains("skipped " + linePorts.get(leader - 1) + ": ");
      for (int id = 1; id <= 3; id++) {
        assertThat(nodes.isRunning(id)).as("node " + id).isEqualTo(id != leader);
      }
      assertThat(balancer.isAlive()).isTrue();
    } finally {
      if (balancer != null) {
        balancer.destroy();
        if (!balancer.waitFor(10, TimeUnit.SECONDS)) {
          balancer.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  /**
   * The reply to an empty datagram, sent by python3 if it is installed: the JDK sends no empty
   * datagram ({@code LineRequestTest} covers the empty request without a socket).
   */
  private static Optional<String> emptyDatagram(InetSocketAddress to) throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder(
                  "python3",
                  "-c",
                  "import socket,sys\n"
                      + "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                      + "s.settimeout(10)\n"
                      + "s.sendto(b'',('127.0.0.1',"
                      + to.getPort()
                      + "))\n"
                      + "sys.stdout.write(s.recv(65536).decode())\n")
              .redirectErrorStream(true)
              .start();
    } catch (IOException noPython) {
      return Optional.empty();
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).endsWith("\n");
    return Optional.of(out.strip());
  }

  /** {@code PUT big vvv...\n}, {@code length} bytes in all. */
  private static byte[] request(int length) {
    byte[] b = new byte[length];
    Arrays.fill(b, (byte) 'v');
    byte[] head = "PUT big ".getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(head, 0, b, 0, head.length);
    b[length - 1] = '\n';
    return b;
  }

  private static List<String> java(String... args) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(List.of(args));
    return command;
  }

  private static Map<String, Integer> awaitBalancing(Process balancer, Path log) {
    Map<String, Integer> ports = new LinkedHashMap<>();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              String out = Files.readString(log);
              if (!balancer.isAlive()) {
                throw new IllegalStateException("the balancer exited: " + out);
              }
              Matcher m = BALANCING.matcher(out);
              while (m.find()) {
                ports.put(m.group(1), Integer.parseInt(m.group(2)));
              }
              return ports.size() == 2;
            });
    return ports;
  }

  /**
   * Send {@code request} until it is answered {@code expected}: while a leader is being elected a
   * write may be refused, or time out, and is sent again (a PUT is idempotent).
   */
  private static void awaitAnswer(InetSocketAddress to, String request, String expected) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> udpOrTimeout(to, request), expected::equals);
  }

  private static String udpOrTimeout(InetSocketAddress to, String request) throws IOException {
    try {
      return udp(to, request);
    } catch (SocketTimeoutException e) {
      return "(no reply)";
    }
  }

  private static String udp(InetSocketAddress to, String request) throws IOException {
    return udp(to, (request + "\n").getBytes(StandardCharsets.UTF_8));
  }

  /** One datagram to {@code to}, and its reply line (without the line end). */
  private static String udp(InetSocketAddress to, byte[] request) throws IOException {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.connect(to);
      socket.setSoTimeout(10_000);
      socket.send(new DatagramPacket(request, request.length));
      DatagramPacket reply = new DatagramPacket(new byte[65_536], 65_536);
      socket.receive(reply);
      String line = new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8);
      assertThat(line).endsWith("\n");
      return line.substring(0, line.length() - 1);
    }
  }

  /** The lines, one a request, over one TCP connection; the reply lines until it closes. */
  private static List<String> tcp(InetSocketAddress to, String... lines) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(to, 10_000);
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      for (String line : lines) {
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
      socket.shutdownOutput();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      List<String> replies = new ArrayList<>();
      String reply;
      while ((reply = in.readLine()) != null) {
        replies.add(reply);
      }
      return replies;
    }
  }
}
