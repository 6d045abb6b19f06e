package io.paxos.examples.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.paxos.core.Consistency;
import io.paxos.core.linearizability.HistoryEvent;
import io.paxos.core.linearizability.HistoryWriter;
import io.paxos.core.linearizability.LinearizabilityChecker;
import io.paxos.core.linearizability.Verdict;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Three (and five) {@code server} JVMs with file storage, written and read by recorded clients
 * while a nemesis in turn kills the leader with {@code kill -9} and restarts it, kills a follower,
 * pauses the leader with SIGSTOP and pauses a follower, cuts the leader off from its peers (while
 * the clients still reach it) and cuts a follower off; then everything heals, every key is read
 * back, and the whole history must be linearizable (which also means no acknowledged write was
 * lost), and the replicas' state hashes equal. The partitions cut the peer links at a {@link
 * LinkProxy} in front of each direction of each link ({@link ServerProcesses#proxyPeerLinks}).
 *
 * <p>In {@code ./mvnw verify}: one round of the six faults on three nodes, and on five nodes one
 * round of killing, pausing and isolating the leader. {@code -Dpaxos.nemesis.rounds=N} runs N
 * rounds of every fault on both sizes, and {@code -Dpaxos.nemesis.seed=S} changes which faults hit
 * which node. The time from each fault until every client completed a write again (and any
 * operation) is printed, never asserted.
 */
class NemesisProcessTest {
  private static final int KEYS = 6;
  private static final int CLIENTS = 5;
  private static final Pattern STATE_HASH = Pattern.compile("state hash (\\S+)");

  private enum Fault {
    KILL_LEADER,
    KILL_FOLLOWER,
    PAUSE_LEADER,
    PAUSE_FOLLOWER,
    ISOLATE_LEADER,
    ISOLATE_FOLLOWER
  }

  private record Injected(Fault fault, int node, long atNanos) {}

  @Test
  void threeNodesStayLinearizableThroughCrashesPausesAndPartitions() throws Exception {
    run(3, chosen(List.of(Fault.values())));
  }

  @Test
  void fiveNodesStayLinearizableThroughLeaderFaults() throws Exception {
    run(
        5,
        chosen(
            Integer.getInteger("paxos.nemesis.rounds", 0) > 0
                ? List.of(Fault.values())
                : List.of(Fault.KILL_LEADER, Fault.PAUSE_LEADER, Fault.ISOLATE_LEADER)));
  }

  /**
   * {@code faults}, or those of them that {@code -Dpaxos.nemesis.faults} names (comma-separated,
   * e.g. {@code KILL_LEADER,PAUSE_LEADER}).
   */
  private static List<Fault> chosen(List<Fault> faults) {
    String names = System.getProperty("paxos.nemesis.faults", "").trim();
    if (names.isEmpty()) {
      return faults;
    }
    Set<Fault> wanted = new HashSet<>();
    for (String name : names.split(",")) {
      wanted.add(Fault.valueOf(name.trim()));
    }
    return faults.stream().filter(wanted::contains).toList();
  }

  private static void run(int size, List<Fault> faults) throws Exception {
    // Kept after the run (under target/, which a clean build removes): the nodes' logs and the
    // history are what a failure is diagnosed from.
    Path dir =
        Files.createDirectories(
            Path.of("target", "nemesis", "run-" + size + "-" + System.nanoTime()));
    int rounds = Integer.getInteger("paxos.nemesis.rounds", 1);
    long seed = Long.getLong("paxos.nemesis.seed", 17);
    SplittableRandom random = new SplittableRandom(seed);
    if (faults.isEmpty()) {
      return;
    }
    Map<Integer, String> roles = new LinkedHashMap<>();
    for (int id = 1; id <= size; id++) {
      roles.put(id, "[proposer, acceptor, learner]");
    }
    int[] ids = roles.keySet().stream().mapToInt(i -> i).toArray();
    Path historyFile = dir.resolve("history.jsonl");
    HistoryWriter history = HistoryWriter.toFile(historyFile);
    List<Injected> injected = new ArrayList<>();
    List<List<Long>> completions;
    List<List<Long>> writes;
    try (ServerProcesses nodes = new ServerProcesses(dir, "nemesis", roles, "")) {
      nodes.logLevel = "info"; // leader changes and peers, for a failure's diagnosis
      nodes.proxyPeerLinks();
      nodes.start(ids);
      RecordedClients clients =
          new RecordedClients(history, nodes.endpoints(), KEYS, Duration.ofSeconds(5), seed);
      try {
        clients.start(CLIENTS);
        awaitProgress(clients, 50);
        for (int round = 0; round < rounds; round++) {
          for (Fault fault : faults) {
            injected.add(inject(fault, nodes, ids, random));
            awaitProgress(clients, 30);
          }
        }
      } finally {
        clients.close();
      }
      completions = clients.completions();
      writes = clients.writeCompletions();
      ClusterWrites.awaitConverged(nodes, ids);
      readEveryKey(history, nodes);
      Set<String> hashes = new HashSet<>();
      for (int id : ids) {
        Matcher m = STATE_HASH.matcher(nodes.stop(id));
        assertThat(m.find()).isTrue();
        hashes.add(m.group(1));
      }
      assertThat(hashes).as("state hashes of the %d replicas", size).hasSize(1);
    }
    history.close();
    List<HistoryEvent> events = history.events();
    long checkStart = System.nanoTime();
    Verdict verdict = new LinearizabilityChecker().check(events);
    System.out.printf(
        "nemesis: %d nodes, %d rounds, %d faults, %d events, %d operations checked in %d ms: %s"
            + " (history and node logs in %s)%n",
        size,
        rounds,
        injected.size(),
        events.size(),
        verdict.operations(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - checkStart),
        verdict.outcome(),
        dir);
    for (Injected i : injected) {
      System.out.printf(
          "nemesis: %d nodes: %s (node %d): every client completed a write again %s (any"
              + " operation %s)%n",
          size,
          i.fault(),
          i.node(),
          recovery(i.atNanos(), writes),
          recovery(i.atNanos(), completions));
    }
    assertThat(verdict.isLinearizable()).as(verdict.describe()).isTrue();
    assertThat(events).isNotEmpty();
    assertThat(Files.size(historyFile)).isPositive();
  }

  /** Inject one fault, hold it a while, heal it; returns what was done and when it started. */
  private static Injected inject(
      Fault fault, ServerProcesses nodes, int[] ids, SplittableRandom random) throws Exception {
    int leader = agreedLeader(nodes, ids);
    int follower = follower(leader, ids, random);
    int target =
        switch (fault) {
          case KILL_LEADER, PAUSE_LEADER, ISOLATE_LEADER -> leader;
          case KILL_FOLLOWER, PAUSE_FOLLOWER, ISOLATE_FOLLOWER -> follower;
        };
    long at = System.nanoTime();
    switch (fault) {
      case KILL_LEADER, KILL_FOLLOWER -> {
        nodes.kill(target);
        TimeUnit.MILLISECONDS.sleep(1500);
        nodes.start(target);
      }
      case PAUSE_LEADER, PAUSE_FOLLOWER -> {
        nodes.pause(target);
        TimeUnit.MILLISECONDS.sleep(2500);
        nodes.resume(target);
      }
      case ISOLATE_LEADER, ISOLATE_FOLLOWER -> {
        nodes.isolate(target);
        TimeUnit.MILLISECONDS.sleep(2500);
        nodes.healLinks();
      }
    }
    return new Injected(fault, target, at);
  }

  /**
   * A node that says it leads and that another node follows, so a leader a busy machine is just
   * deposing is not taken for the leader.
   */
  private static int agreedLeader(ServerProcesses nodes, int[] ids) {
    return await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .ignoreExceptions()
        .until(
            () -> {
              Map<Integer, ClusterStatus> status = new LinkedHashMap<>();
              for (int id : ids) {
                status.put(id, ClusterWrites.status(nodes.addresses.get(id)));
              }
              for (Map.Entry<Integer, ClusterStatus> e : status.entrySet()) {
                int id = e.getKey();
                boolean followed =
                    status.entrySet().stream()
                        .anyMatch(
                            o ->
                                o.getKey() != id
                                    && o.getValue().leaderId().equals(OptionalInt.of(id)));
                if (e.getValue().leader() && followed) {
                  return id;
                }
              }
              return 0;
            },
            id -> id != 0);
  }

  private static int follower(int leader, int[] ids, SplittableRandom random) {
    int[] others = java.util.Arrays.stream(ids).filter(id -> id != leader).toArray();
    return others[random.nextInt(others.length)];
  }

  /** Wait until the clients have completed {@code count} more operations. */
  private static void awaitProgress(RecordedClients clients, int count) throws Exception {
    long target = clients.completed() + count;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (clients.completed() < target) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("clients made no progress within 60 s");
      }
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** One last linearizable read of every key, recorded into the history. */
  private static void readEveryKey(HistoryWriter history, ServerProcesses nodes) throws Exception {
    try (PaxosClient client =
        PaxosClient.builder()
            .endpoints(nodes.endpoints())
            .timeout(Duration.ofSeconds(30))
            .build()) {
      long process = 1_000_000;
      for (int k = 0; k < KEYS; k++) {
        String key = RecordedClients.key(k);
        HistoryEvent invoke = history.record(HistoryEvent.invokeGet(process, key));
        KvResult result =
            KvResult.decode(
                client
                    .read(KvCommand.get(key).encode(), Consistency.LINEARIZABLE)
                    .get(60, TimeUnit.SECONDS));
        history.record(
            invoke.okRead(
                result instanceof KvResult.Found f ? Optional.of(f.text()) : Optional.empty()));
      }
    }
  }

  /**
   * The time from {@code atNanos} until every client thread had completed an operation after it, or
   * "never" if one did not.
   */
  private static String recovery(long atNanos, List<List<Long>> completions) {
    long worst = 0;
    for (List<Long> thread : completions) {
      Optional<Long> next = thread.stream().filter(t -> t > atNanos).findFirst();
      if (next.isEmpty()) {
        return "never";
      }
      worst = Math.max(worst, next.get() - atNanos);
    }
    return "after " + TimeUnit.NANOSECONDS.toMillis(worst) + " ms";
  }
}
