package io.paxos.grpc;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Node JVMs started with {@link TestNodeMain} on 127.0.0.1, for tests; all stopped by {@link
 * #close}.
 */
final class NodeProcesses implements AutoCloseable {
  private final String cluster;
  private final Path dir;
  final Map<Integer, Endpoint> members = new LinkedHashMap<>();
  private final Map<Integer, Process> processes = new LinkedHashMap<>();
  private final Map<Integer, Integer> starts = new LinkedHashMap<>();
  private final java.util.Set<Integer> paused = new java.util.HashSet<>();

  NodeProcesses(String cluster, Path dir, int nodes) throws IOException {
    this.cluster = cluster;
    this.dir = dir;
    for (int id = 1; id <= nodes; id++) {
      members.put(id, new Endpoint("127.0.0.1", freePort()));
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  List<Endpoint> endpoints() {
    return new ArrayList<>(members.values());
  }

  /** Start node {@code id} and wait until it serves. */
  void start(int id) throws IOException {
    int run = starts.merge(id, 1, Integer::sum);
    Path log = dir.resolve("node-" + id + "-run-" + run + ".log");
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(TestNodeMain.class.getName());
    command.addAll(
        List.of(
            cluster,
            Integer.toString(id),
            dir.resolve("data-" + id).toString(),
            LogStateMachine.class.getName(),
            run == 1 ? "new" : "existing")); // only a member's first start bootstraps
    members.forEach((member, e) -> command.add(member + "=" + e));
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    processes.put(id, p);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> {
              if (!p.isAlive()) {
                throw new IllegalStateException(
                    "node " + id + " exited: " + Files.readString(log, StandardCharsets.UTF_8));
              }
              return Files.readString(log, StandardCharsets.UTF_8).contains("READY node " + id);
            });
  }

  /** kill -9 node {@code id}. */
  void kill(int id) throws InterruptedException {
    paused.remove(id); // SIGKILL ends a stopped process too
    Process p = processes.remove(id);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  /** Pause node {@code id} with SIGSTOP: its sockets stay open, it answers nothing. */
  void pause(int id) throws IOException, InterruptedException {
    signal(id, "-STOP");
    paused.add(id);
  }

  /** Resume a paused node {@code id} with SIGCONT. */
  void resume(int id) throws IOException, InterruptedException {
    signal(id, "-CONT");
    paused.remove(id);
  }

  private void signal(int id, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", signal, Long.toString(processes.get(id).pid()))
            .inheritIO()
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill " + signal + " node " + id + " failed");
    }
  }

  @Override
  public void close() throws InterruptedException {
    for (int id : List.copyOf(paused)) {
      try {
        resume(id); // a stopped process would not handle SIGTERM
      } catch (IOException | IllegalStateException e) {
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
  }
}
