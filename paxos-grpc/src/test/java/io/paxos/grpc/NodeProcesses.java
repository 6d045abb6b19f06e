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
 * Node JVMs started with {@link NodeMain} on 127.0.0.1, for tests; all stopped by {@link #close}.
 */
final class NodeProcesses implements AutoCloseable {
  private final String cluster;
  private final Path dir;
  final Map<Integer, Endpoint> members = new LinkedHashMap<>();
  private final Map<Integer, Process> processes = new LinkedHashMap<>();
  private final Map<Integer, Integer> starts = new LinkedHashMap<>();

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
    command.add(NodeMain.class.getName());
    command.addAll(
        List.of(
            "--cluster",
            cluster,
            "--id",
            Integer.toString(id),
            "--members",
            membersArgument(),
            "--listen",
            "127.0.0.1",
            "--state-machine",
            LogStateMachine.class.getName(),
            "--data-dir",
            dir.resolve("data-" + id).toString()));
    if (run == 1) {
      command.add("--bootstrap-new"); // the first start of a new cluster's member
    }
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

  private String membersArgument() {
    List<String> parts = new ArrayList<>();
    members.forEach((id, e) -> parts.add(id + "=" + e));
    return String.join(",", parts);
  }

  /** kill -9 node {@code id}. */
  void kill(int id) throws InterruptedException {
    Process p = processes.remove(id);
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
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
