package io.paxos.examples.scenarios;

import io.paxos.core.Consistency;
import io.paxos.core.config.Role;
import io.paxos.examples.kv.KvCommand;
import io.paxos.examples.kv.KvResult;
import io.paxos.examples.server.ClusterFile;
import io.paxos.grpc.client.ClusterStatus;
import io.paxos.grpc.client.PaxosClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Writes continuously to a running local cluster (started by {@code scripts/cluster.sh}) while it
 * breaks it on purpose through that script: kills the leader, an acceptor, a learner and a minority
 * at once, pauses the leader past the election timeout, and restarts everything. Then it reads
 * every acknowledged key back and prints, per scenario, the writes acknowledged during it, the
 * acknowledged writes lost (which must be 0) and the time from the fault until a write sent after
 * it was acknowledged. Exit status 1 on any loss or on a scenario after which the cluster never
 * served again; 0 otherwise. {@code scripts/failure-scenarios.sh} runs it.
 */
@Command(
    name = "failure-scenarios",
    mixinStandardHelpOptions = true,
    description = {
      "Write to a local cluster run by scripts/cluster.sh while breaking it in turn (leader,"
          + " acceptor, learner, a minority, a paused leader, everything), then check that no"
          + " acknowledged write was lost. Run it through scripts/failure-scenarios.sh."
    })
public final class FailureScenarios implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--config",
      required = true,
      paramLabel = "FILE",
      description = "The cluster file.")
  Path config;

  @Option(names = "--script", required = true, paramLabel = "PATH", description = "cluster.sh.")
  Path script;

  @Option(names = "--dir", required = true, paramLabel = "DIR", description = "cluster.sh's --dir.")
  Path dir;

  @Option(
      names = "--hold",
      paramLabel = "MILLIS",
      description = "How long each fault lasts, in ms (default: ${DEFAULT-VALUE}).")
  long holdMillis = 2_000;

  @Option(
      names = "--writers",
      paramLabel = "N",
      description = "Writes kept in flight (default: ${DEFAULT-VALUE}).")
  int writers = 8;

  private record Ack(long startNanos, long endNanos, String key) {}

  private record Outcome(
      String scenario, int node, long fromNanos, long toNanos, Optional<Long> servedAgainMs) {}

  private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
  private final AtomicLong nextKey = new AtomicLong();
  private volatile boolean writing = true;

  @Override
  public Integer call() throws Exception {
    try {
      return scenarios(spec.commandLine().getOut());
    } catch (IllegalStateException | io.paxos.examples.server.ConfigException e) {
      // a cluster that never took writes, a cluster.sh step that failed, a bad cluster file
      spec.commandLine().getErr().println("error: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 1;
    }
  }

  private int scenarios(PrintWriter out) throws Exception {
    ClusterFile file = ClusterFile.load(config);
    List<Thread> threads = new ArrayList<>();
    List<Outcome> outcomes = new ArrayList<>();
    try (PaxosClient client =
        PaxosClient.builder().endpoints(file.endpoints()).timeout(Duration.ofSeconds(10)).build()) {
      for (int i = 0; i < writers; i++) {
        Thread t = new Thread(() -> write(client), "scenario-writer-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
      awaitAcks(20, Duration.ofSeconds(60));
      int leader = leader(client);
      int acceptor = other(file, Role.ACCEPTOR, Set.of(leader));
      int learner = other(file, Role.LEARNER, Set.of(leader, acceptor));
      outcomes.add(run("kill the leader", leader, () -> kill(leader), () -> restart(leader)));
      outcomes.add(
          run("kill an acceptor", acceptor, () -> kill(acceptor), () -> restart(acceptor)));
      outcomes.add(run("kill a learner", learner, () -> kill(learner), () -> restart(learner)));
      List<Integer> minority = minority(file, leader(client));
      outcomes.add(
          run(
              "kill a minority " + minority,
              minority.get(0),
              () -> {
                for (int id : minority) {
                  kill(id);
                }
              },
              () -> {
                for (int id : minority) {
                  restart(id);
                }
              }));
      int paused = leader(client);
      outcomes.add(
          run(
              "pause the leader",
              paused,
              () -> cluster("pause", Integer.toString(paused)),
              () -> cluster("resume", Integer.toString(paused))));
      outcomes.add(run("restart everything", 0, () -> cluster("stop"), () -> cluster("start")));
      writing = false;
      for (Thread t : threads) {
        t.join(TimeUnit.SECONDS.toMillis(30));
      }
      Set<String> stored = readBack(client);
      List<String> lost = new ArrayList<>();
      for (Ack a : acks) {
        if (!stored.contains(a.key())) {
          lost.add(a.key());
        }
      }
      out.printf(
          "%-28s %5s %13s %6s %19s%n",
          "scenario", "node", "acked during", "lost", "served again after");
      boolean never = false;
      for (Outcome o : outcomes) {
        never |= o.servedAgainMs().isEmpty();
        long acked = acks.stream().filter(a -> within(a, o)).count();
        long lostHere =
            acks.stream().filter(a -> within(a, o) && !stored.contains(a.key())).count();
        out.printf(
            "%-28s %5s %13d %6d %19s%n",
            o.scenario(),
            o.node() == 0 ? "all" : Integer.toString(o.node()),
            acked,
            lostHere,
            o.servedAgainMs().map(ms -> ms + " ms").orElse("never"));
      }
      out.printf(
          "%d writes acknowledged in all, %d of them lost%s%n",
          acks.size(),
          lost.size(),
          lost.isEmpty() ? "" : ": " + lost.subList(0, Math.min(10, lost.size())));
      out.flush();
      return !lost.isEmpty() || never ? 1 : 0;
    } finally {
      writing = false;
    }
  }

  private static boolean within(Ack a, Outcome o) {
    return a.endNanos() >= o.fromNanos() && a.endNanos() < o.toNanos();
  }

  /**
   * One scenario: {@code inject} the fault, hold it, {@code heal} it; served again is measured from
   * the moment the fault is in effect to the first acknowledgement of a write sent after it.
   */
  private Outcome run(String name, int node, Fault inject, Fault heal) throws Exception {
    inject.run();
    long start = System.nanoTime();
    TimeUnit.MILLISECONDS.sleep(holdMillis);
    heal.run();
    Optional<Long> served = Optional.empty();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (served.isEmpty() && System.nanoTime() < deadline) {
      for (Ack a : acks) {
        if (a.startNanos() > start) {
          long ms = TimeUnit.NANOSECONDS.toMillis(a.endNanos() - start);
          served = Optional.of(served.map(s -> Math.min(s, ms)).orElse(ms));
        }
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    TimeUnit.MILLISECONDS.sleep(500);
    return new Outcome(name, node, start, System.nanoTime(), served);
  }

  @FunctionalInterface
  private interface Fault {
    void run() throws Exception;
  }

  private void kill(int node) throws Exception {
    cluster("kill", Integer.toString(node));
  }

  private void restart(int node) throws Exception {
    cluster("restart", Integer.toString(node));
  }

  private void write(PaxosClient client) {
    while (writing) {
      String key = "fs-" + nextKey.incrementAndGet();
      long start = System.nanoTime();
      try {
        client.submit(KvCommand.put(key, "v").encode()).get(15, TimeUnit.SECONDS);
        acks.add(new Ack(start, System.nanoTime(), key));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception unknownOutcome) {
        // not acknowledged: it may or may not be applied, and is not counted
      }
    }
  }

  private void awaitAcks(int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (acks.size() < count) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the cluster did not take writes within " + within);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static int leader(PaxosClient client) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      try {
        ClusterStatus s = client.status().get(5, TimeUnit.SECONDS);
        if (s.leaderId().isPresent()) {
          return s.leaderId().getAsInt();
        }
      } catch (Exception retry) {
        // ask again
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return 0;
  }

  private static int other(ClusterFile file, Role role, Set<Integer> not) {
    for (ClusterFile.Node n : file.nodes()) {
      if (n.roles().contains(role) && !not.contains(n.id())) {
        return n.id();
      }
    }
    throw new IllegalStateException("no member with role " + role);
  }

  /** The most acceptors that may fail at once, none of them the leader. */
  private static List<Integer> minority(ClusterFile file, int leader) {
    List<Integer> acceptors = new ArrayList<>();
    for (ClusterFile.Node n : file.nodes()) {
      if (n.roles().contains(Role.ACCEPTOR) && n.id() != leader) {
        acceptors.add(n.id());
      }
    }
    int all = (int) file.nodes().stream().filter(n -> n.roles().contains(Role.ACCEPTOR)).count();
    return acceptors.subList(0, Math.max(1, (all - 1) / 2));
  }

  private Set<String> readBack(PaxosClient client) throws Exception {
    Set<String> keys = new HashSet<>();
    Optional<String> after = Optional.empty();
    while (true) {
      KvResult r =
          KvResult.decode(
              client
                  .read(
                      KvCommand.scan("fs-", after, KvCommand.MAX_SCAN_LIMIT).encode(),
                      Consistency.LINEARIZABLE)
                  .get(60, TimeUnit.SECONDS));
      if (!(r instanceof KvResult.Entries entries)) {
        throw new IllegalStateException("a scan answered " + r);
      }
      for (KvResult.Entry e : entries.entries()) {
        keys.add(e.key());
      }
      if (!entries.more() || entries.entries().isEmpty()) {
        return keys;
      }
      after = Optional.of(entries.entries().get(entries.entries().size() - 1).key());
    }
  }

  private void cluster(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script.toString()));
    command.addAll(List.of(args));
    command.addAll(List.of("--config", config.toString(), "--dir", dir.toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(
          "cluster.sh " + String.join(" ", args) + " failed: " + output);
    }
  }
}
