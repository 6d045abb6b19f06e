package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.examples.Main;
import io.paxos.examples.kv.KvCommand;
import io.paxos.grpc.client.PaxosClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The read-one/write-all example as processes: a role-split cluster (3 proposer+acceptor nodes, 2
 * learners given the stores) and 3 {@code store} processes, every one a JVM on 127.0.0.1 with free
 * ports. The learners and the stores are made to halt (test hook {@code ROWA_CRASH_AT}, a halt with
 * no shutdown hook) at each step of two-phase commit, or killed with {@code kill -9}, with writes
 * acknowledged throughout, then restarted; at the end the three stores must hold the same state,
 * with nothing in doubt, and every acknowledged write.
 */
class RowaProcessTest {
  private static final int[] NODES = {1, 2, 3};
  private static final int LEARNER = 21;
  private static final int OTHER_LEARNER = 22;

  @Test
  @DisplayName("learners and stores halted at each step of 2PC: the stores end equal and complete")
  void storesEndIdenticalWithEveryAcknowledgedWrite(@TempDir Path dir) throws Exception {
    Map<Integer, String> roles = new LinkedHashMap<>();
    for (int id : NODES) {
      roles.put(id, "[proposer, acceptor]");
    }
    roles.put(LEARNER, "[learner]");
    roles.put(OTHER_LEARNER, "[learner]");
    int[] storePorts = new int[3];
    List<ServerSocket> held = new ArrayList<>();
    ServerProcesses nodes;
    try {
      for (int i = 0; i < 3; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
        held.add(s);
        storePorts[i] = s.getLocalPort();
      }
      nodes =
          new ServerProcesses(
              dir,
              "rowa",
              roles,
              "protocol: {heartbeat-interval: 50ms, election-timeout: 300ms..600ms,"
                  + " command-timeout: 2s}\nsnapshots: {enabled: false}\n");
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
    String stores =
        java.util.Arrays.stream(storePorts)
            .mapToObj(p -> "127.0.0.1:" + p)
            .collect(Collectors.joining(","));
    String learners =
        "127.0.0.1:"
            + nodes.httpPorts.get(LEARNER)
            + ",127.0.0.1:"
            + nodes.httpPorts.get(OTHER_LEARNER);
    Map<String, String> acknowledged = new LinkedHashMap<>();
    try (nodes;
        Stores st = new Stores(dir, storePorts, learners);
        PaxosClient client =
            PaxosClient.builder()
                .endpoints(nodes.endpoints())
                .timeout(Duration.ofSeconds(60))
                .seed(7)
                .build()) {
      st.start(0, Map.of());
      st.start(1, Map.of());
      st.start(2, Map.of());
      nodes.env.put(LEARNER, Map.of("PAXOS_ROWA_STORES", stores, "ROWA_CRASH_AT", "prepared"));
      nodes.env.put(OTHER_LEARNER, Map.of("PAXOS_ROWA_STORES", stores));
      nodes.start(1, 2, 3, LEARNER, OTHER_LEARNER);
      assertThat(nodes.log(LEARNER)).contains(" rowa 3 stores");

      // 1. the driving learner halts once every store voted yes: all three are in doubt; the
      // other learner takes over and commits
      write(client, acknowledged, 0, 5);
      awaitHalted(nodes, LEARNER, "CRASH at prepared of slot ");
      st.awaitConverged(acknowledged.size());

      // 2. back, it drives again (the lowest id) and halts after committing to the first store
      nodes.env.put(LEARNER, Map.of("PAXOS_ROWA_STORES", stores, "ROWA_CRASH_AT", "committed-one"));
      nodes.start(LEARNER);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> rowaStatus(nodes, LEARNER).contains("\"driving\":true"));
      write(client, acknowledged, 5, 5);
      awaitHalted(nodes, LEARNER, "CRASH at committed-one of slot ");
      st.awaitConverged(acknowledged.size());
      nodes.env.put(LEARNER, Map.of("PAXOS_ROWA_STORES", stores));
      nodes.start(LEARNER);

      // 3. a store halts after logging its yes vote: the learner aborts, the group is degraded,
      // writes are still acknowledged by Paxos; restarted, the store finds the slot in doubt
      st.stop(0);
      st.start(0, Map.of("ROWA_CRASH_AT", "prepare-logged"));
      write(client, acknowledged, 10, 5);
      st.awaitHalted(0, "CRASH at prepare-logged of slot ");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> rowaStatus(nodes, LEARNER).contains("\"state\":\"degraded: "));
      String before = st.status(1);
      assertThat(st.status(2)).isEqualTo(before);
      write(client, acknowledged, 15, 5); // acknowledged while a store is down
      ClusterWrites.awaitConverged(nodes, LEARNER, OTHER_LEARNER); // the learners applied them
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> rowaStatus(nodes, LEARNER).contains("\"state\":\"degraded: "));
      // degraded: nothing was committed to the two stores left
      assertThat(st.status(1)).isEqualTo(before);
      assertThat(st.status(2)).isEqualTo(before);
      String restarted = st.start(0, Map.of());
      assertThat(restarted).containsPattern("in doubt: slot \\d+\\)");
      st.awaitConverged(acknowledged.size());

      // 4. a store halts after logging its commit, before answering: the stores after it stay in
      // doubt; the standby learner is killed with kill -9 meanwhile; both come back
      st.stop(1);
      st.start(1, Map.of("ROWA_CRASH_AT", "commit-logged"));
      write(client, acknowledged, 20, 5);
      st.awaitHalted(1, "CRASH at commit-logged of slot ");
      nodes.kill(OTHER_LEARNER);
      write(client, acknowledged, 25, 5);
      st.start(1, Map.of());
      nodes.start(OTHER_LEARNER);
      write(client, acknowledged, 30, 10);
      st.awaitConverged(acknowledged.size());

      // every acknowledged write, at each store (Nr = 1: any single one answers it)
      for (int i = 0; i < 3; i++) {
        for (Map.Entry<String, String> e : acknowledged.entrySet()) {
          String answer = st.call(i, "READ " + e.getKey());
          assertThat(answer).as("store %d, %s", i, e.getKey()).startsWith("VALUE ");
          String value =
              new String(Base64.getDecoder().decode(answer.split(" ")[2]), StandardCharsets.UTF_8);
          assertThat(value).isEqualTo(e.getValue());
        }
      }
      // each store committed each slot once, in slot order, whichever learner sent it
      for (int i = 0; i < 3; i++) {
        List<Long> commits =
            Files.readAllLines(dir.resolve("store-" + i).resolve("store.log")).stream()
                .filter(l -> l.startsWith("COMMIT "))
                .map(l -> Long.parseLong(l.substring("COMMIT ".length())))
                .toList();
        assertThat(commits).as("store %d", i).isSorted().doesNotHaveDuplicates().isNotEmpty();
      }
      // the subcommands a user runs
      String status = run("rowa-status", "--stores", stores);
      assertThat(status.lines()).hasSize(3).allMatch(l -> l.contains(" keys 40 hash "));
      assertThat(run("rowa-read", "--stores", stores, "k-39")).startsWith("v-39\t(store ");
      assertThat(rowaStatus(nodes, LEARNER)).contains("\"last_committed_slot\":");
    }
  }

  /** Put {@code k-i = v-i} for {@code count} keys from {@code from}, each acknowledged. */
  private static void write(PaxosClient client, Map<String, String> acked, int from, int count)
      throws Exception {
    List<CompletableFuture<byte[]>> futures = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      futures.add(client.submit(KvCommand.put("k-" + i, "v-" + i).encode()));
    }
    for (int i = 0; i < count; i++) {
      futures.get(i).get(90, TimeUnit.SECONDS);
      acked.put("k-" + (from + i), "v-" + (from + i));
    }
  }

  private static void awaitHalted(ServerProcesses nodes, int id, String line) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !nodes.isRunning(id) && nodes.log(id).contains(line));
  }

  private static String rowaStatus(ServerProcesses nodes, int id) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + nodes.httpPorts.get(id) + "/rowa/status"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    return r.body();
  }

  private static String run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine(Map.of());
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(Writer.nullWriter()));
    int status = cl.execute(args);
    assertThat(status).as(String.join(" ", args) + ": " + out).isZero();
    return out.toString();
  }

  /** The three {@code store} processes. */
  private static final class Stores implements AutoCloseable {
    private final Path dir;
    private final int[] ports;
    private final String learners;
    private final Map<Integer, Process> processes = new HashMap<>();
    private final Map<Integer, Path> logs = new HashMap<>();
    private int runs;

    Stores(Path dir, int[] ports, String learners) {
      this.dir = dir;
      this.ports = ports;
      this.learners = learners;
    }

    /** Start store {@code i} and return its READY line. */
    String start(int i, Map<String, String> env) throws IOException {
      Path log = dir.resolve("store-" + i + "-run-" + ++runs + ".log");
      List<String> command =
          List.of(
              Path.of(System.getProperty("java.home"), "bin", "java").toString(),
              "-Xmx64m",
              "-XX:TieredStopAtLevel=1",
              "-XX:+UseSerialGC",
              "-cp",
              System.getProperty("java.class.path"),
              Main.class.getName(),
              "store",
              "--listen",
              "127.0.0.1:" + ports[i],
              "--data-dir",
              dir.resolve("store-" + i).toString(),
              "--learners",
              learners);
      ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
      b.environment().remove("ROWA_CRASH_AT");
      b.environment().putAll(env);
      Process p = b.redirectOutput(log.toFile()).start();
      processes.put(i, p);
      logs.put(i, log);
      return await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () -> {
                String text = Files.readString(log);
                if (!p.isAlive() && !text.contains("READY")) {
                  throw new IllegalStateException("store " + i + " exited: " + text);
                }
                return text.lines().filter(l -> l.startsWith("READY")).findFirst().orElse("");
              },
              line -> !line.isEmpty());
    }

    void awaitHalted(int i, String line) {
      Process p = processes.get(i);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> !p.isAlive() && Files.readString(logs.get(i)).contains(line));
    }

    void stop(int i) throws InterruptedException {
      Process p = processes.remove(i);
      p.destroy();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }

    String call(int i, String request) throws IOException {
      try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), ports[i])) {
        s.setSoTimeout(5_000);
        s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.UTF_8));
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
      }
    }

    String status(int i) throws IOException {
      return call(i, "STATUS");
    }

    /**
     * Wait until the three stores hold {@code keys} keys, the same last committed slot and state
     * hash, and nothing in doubt.
     */
    void awaitConverged(int keys) {
      await()
          .atMost(Duration.ofSeconds(40))
          .ignoreExceptions()
          .until(
              () -> {
                String first = status(0);
                return first.contains(" in-doubt - keys " + keys + " ")
                    && first.equals(status(1))
                    && first.equals(status(2));
              });
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
    }
  }
}
