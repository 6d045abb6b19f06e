package io.paxos.examples.server;

import static org.awaitility.Awaitility.await;

import io.paxos.examples.Main;
import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code paxos-examples server} JVMs on 127.0.0.1 for tests, one per member of a cluster file
 * written with ephemeral ports; all stopped by {@link #close}.
 */
final class ServerProcesses implements AutoCloseable {
  private static final Pattern STOPPED = Pattern.compile("STOPPED node \\d+: (.*)");

  private final Path dir;
  final Path config;
  final Map<Integer, Endpoint> addresses = new LinkedHashMap<>();
  final Map<Integer, Integer> httpPorts = new LinkedHashMap<>();
  private final Map<Integer, Process> processes = new LinkedHashMap<>();
  private final Map<Integer, Path> logs = new LinkedHashMap<>();
  private final Set<Integer> started = new HashSet<>();
  private final Set<Integer> paused = new HashSet<>();
  private final String cluster;
  private final Map<Integer, String> roles;
  private final String extra;
  // With proxied peer links: each node's own cluster file, and the proxy of each (from, to) link.
  private final Map<Integer, Path> configs = new LinkedHashMap<>();
  private final Map<List<Integer>, LinkProxy> links = new LinkedHashMap<>();
  private int runs;

  /**
   * Environment variables a node's next launches get, by id (after the PAXOS_ ones are removed).
   */
  final Map<Integer, Map<String, String>> env = new LinkedHashMap<>();

  /** The {@code --log-level} nodes are started with. */
  String logLevel = "warn";

  /**
   * A cluster file in {@code dir} named {@code cluster}, one member per entry of {@code roles} (id
   * to a YAML roles list such as {@code "[acceptor]"}), each on its own free gRPC and HTTP port,
   * with {@code extra} appended.
   */
  ServerProcesses(Path dir, String cluster, Map<Integer, String> roles, String extra)
      throws IOException {
    this.dir = dir;
    this.cluster = cluster;
    this.roles = new LinkedHashMap<>(roles);
    this.extra = extra;
    List<ServerSocket> held = new ArrayList<>(); // held open, so no port is handed out twice
    try {
      for (Map.Entry<Integer, String> e : roles.entrySet()) {
        Endpoint address = new Endpoint("127.0.0.1", freePort(held));
        addresses.put(e.getKey(), address);
        httpPorts.put(e.getKey(), freePort(held));
      }
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    this.config = Files.writeString(dir.resolve(cluster + ".yaml"), yaml(addresses));
  }

  /** The cluster file, with the members' gRPC addresses as {@code seen}. */
  private String yaml(Map<Integer, Endpoint> seen) {
    StringBuilder yaml = new StringBuilder("cluster: " + cluster + "\nmembers:\n");
    for (Map.Entry<Integer, String> e : roles.entrySet()) {
      yaml.append("  - {id: ")
          .append(e.getKey())
          .append(", address: ")
          .append(seen.get(e.getKey()))
          .append(", http: ")
          .append(httpPorts.get(e.getKey()))
          .append(", roles: ")
          .append(e.getValue())
          .append("}\n");
    }
    yaml.append(extra);
    yaml.append("data-dir: ").append(dir.resolve("data-${id}")).append('\n');
    return yaml.toString();
  }

  /**
   * Put a {@link LinkProxy} in each direction of every peer link: each node gets a cluster file of
   * its own in which the other members' addresses are its proxies to them, so that {@link #cut} and
   * {@link #isolate} can partition the nodes while clients still reach each one directly. Call
   * before starting the nodes.
   */
  void proxyPeerLinks() throws IOException {
    List<ServerSocket> held = holdMembersPorts();
    try {
      createProxies();
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }

  /**
   * Bind the members' own ports (those still free) while the proxies take ephemeral ports, so that
   * the system never hands a proxy a port a member is about to listen on.
   */
  private List<ServerSocket> holdMembersPorts() {
    List<ServerSocket> held = new ArrayList<>();
    List<Integer> ports = new ArrayList<>(httpPorts.values());
    addresses.values().forEach(a -> ports.add(a.port()));
    for (int port : ports) {
      try {
        held.add(new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1")));
      } catch (IOException e) {
        // taken meanwhile: nothing left to protect
      }
    }
    return held;
  }

  private void createProxies() throws IOException {
    for (int from : roles.keySet()) {
      Map<Integer, Endpoint> seen = new LinkedHashMap<>(addresses);
      for (int to : roles.keySet()) {
        if (to != from) {
          LinkProxy proxy = new LinkProxy(addresses.get(to).port());
          links.put(List.of(from, to), proxy);
          seen.put(to, new Endpoint("127.0.0.1", proxy.port()));
        }
      }
      configs.put(
          from, Files.writeString(dir.resolve(cluster + "-node-" + from + ".yaml"), yaml(seen)));
    }
  }

  /** Cut both directions of the link between {@code a} and {@code b} (see {@link LinkProxy}). */
  void cut(int a, int b) {
    links.get(List.of(a, b)).cut();
    links.get(List.of(b, a)).cut();
  }

  /** Cut node {@code id} off from every peer; clients still reach it. */
  void isolate(int id) {
    for (int other : roles.keySet()) {
      if (other != id) {
        cut(id, other);
      }
    }
  }

  /** Heal every cut link. */
  void healLinks() {
    links.values().forEach(LinkProxy::heal);
  }

  private static int freePort(List<ServerSocket> held) throws IOException {
    ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
    held.add(s);
    return s.getLocalPort();
  }

  List<Endpoint> endpoints() {
    return new ArrayList<>(addresses.values());
  }

  /** Launch node {@code id} (without waiting for it) with {@code args} after the config. */
  Process launch(int id, String... args) throws IOException {
    Path log = dir.resolve("node-" + id + "-run-" + ++runs + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx128m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    Path file = configs.getOrDefault(id, config);
    command.addAll(List.of("server", "--config", file.toString(), "--id", Integer.toString(id)));
    command.addAll(List.of(args));
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().keySet().removeIf(k -> k.startsWith("PAXOS_"));
    b.environment().putAll(env.getOrDefault(id, Map.of()));
    Process p = b.redirectOutput(log.toFile()).start();
    processes.put(id, p);
    logs.put(id, log);
    return p;
  }

  /** Wait until node {@code id}, launched, prints READY. */
  void awaitReady(int id) {
    Process p = processes.get(id);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException("node " + id + " exited: " + log(id));
              }
              return log(id).contains("READY node " + id + " listening on");
            });
  }

  /**
   * Start the nodes and wait until they all serve; a node's first start bootstraps it as a member
   * of a new cluster ({@code --bootstrap-new}), later ones rejoin.
   */
  void start(int... ids) throws IOException {
    for (int id : ids) {
      if (started.add(id)) {
        launch(id, "--log-level", logLevel, "--bootstrap-new");
      } else {
        launch(id, "--log-level", logLevel);
      }
    }
    for (int id : ids) {
      awaitReady(id);
    }
  }

  String log(int id) throws IOException {
    return Files.readString(logs.get(id), StandardCharsets.UTF_8);
  }

  /** kill -9 node {@code id}. */
  void kill(int id) throws InterruptedException {
    paused.remove(id); // SIGKILL ends a stopped process too
    Process p = processes.remove(id);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGTERM node {@code id}, wait for it to exit, and return what its STOPPED line says ({@code
   * applied through slot S, K keys, state hash H}).
   */
  String stop(int id) throws Exception {
    Process p = processes.remove(id);
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("node " + id + " did not stop on SIGTERM: " + log(id));
    }
    Matcher m = STOPPED.matcher(log(id));
    if (!m.find()) {
      throw new AssertionError("node " + id + " printed no STOPPED line: " + log(id));
    }
    return m.group(1);
  }

  /** Whether node {@code id} has a running (or paused) process. */
  boolean isRunning(int id) {
    Process p = processes.get(id);
    return p != null && p.isAlive();
  }

  /** SIGSTOP node {@code id}: it holds its sockets open but does nothing until {@link #resume}. */
  void pause(int id) throws IOException, InterruptedException {
    signal(id, "STOP");
    paused.add(id);
  }

  /** SIGCONT node {@code id} after {@link #pause}. */
  void resume(int id) throws IOException, InterruptedException {
    signal(id, "CONT");
    paused.remove(id);
  }

  private void signal(int id, String signal) throws IOException, InterruptedException {
    long pid = processes.get(id).pid();
    Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -" + signal + " " + pid + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (int id : List.copyOf(paused)) {
      try {
        resume(id); // a stopped process acts on SIGTERM only once it runs again
      } catch (IOException e) {
        processes.get(id).destroyForcibly();
      }
    }
    for (Process p : processes.values()) {
      p.destroy();
    }
    for (Process p : processes.values()) {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    processes.clear();
    for (LinkProxy proxy : links.values()) {
      proxy.close();
    }
    links.clear();
  }
}
