package io.paxos.examples.broadcast;

import io.paxos.examples.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples broadcast}: atomic broadcast with the roles as separate processes. Writes a
 * role-split cluster file ({@link BroadcastLayout}), starts one {@code broadcast-node} process per
 * member, waits until every proposer has broadcast its values and every learner has learned them
 * all, stops the processes, and runs {@link BroadcastCheck} on the files. Exit status 0 if the
 * check passes, 1 if it fails or the run does not finish in time, 2 for a bad argument.
 */
@Command(
    name = "broadcast",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Atomic broadcast: K proposers each broadcast N integers through a cluster of 3 acceptors to"
          + " L learners, every role a separate process on this machine.",
      "Each learner writes what it learns, in order, to DIR/learn<n>; each proposer what it"
          + " proposed to DIR/prop<n>. Then broadcast-check is run on DIR."
    },
    footer = {"", "Example: broadcast --proposers 2 --learners 2 --values 100 --loss 0.1"})
public final class BroadcastCommand implements Callable<Integer> {
  private static final Pattern OUR_FILES =
      Pattern.compile("(learn|prop)[0-9]+|node-[0-9]+\\.log|broadcast\\.yaml|data");

  @Spec CommandSpec spec;

  @Option(
      names = "--proposers",
      paramLabel = "K",
      defaultValue = "2",
      description = "Proposer processes, 1 to 9 (default: ${DEFAULT-VALUE}).")
  int proposers;

  @Option(
      names = "--learners",
      paramLabel = "L",
      defaultValue = "2",
      description = "Learner processes, 1 to 9 (default: ${DEFAULT-VALUE}).")
  int learners;

  @Option(
      names = "--values",
      paramLabel = "N",
      defaultValue = "100",
      description = "Integers each proposer broadcasts, 1 to 1000000 (default: ${DEFAULT-VALUE}).")
  int values;

  @Option(
      names = "--loss",
      paramLabel = "P",
      defaultValue = "0",
      description =
          "Fraction of the messages between processes to drop, 0 to 0.5 (default: ${DEFAULT-VALUE}).")
  double loss;

  @Option(
      names = "--seed",
      paramLabel = "SEED",
      defaultValue = "1",
      description = "Seed of the choice of dropped messages (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = "broadcast-run",
      description =
          "Where the files go (default: ${DEFAULT-VALUE}); a directory of an earlier run is"
              + " emptied first, any other must be empty.")
  Path dir;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "300",
      description = "Seconds the run may take before it is given up (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    check(proposers >= 1 && proposers <= 9, "--proposers must be 1 to 9");
    check(learners >= 1 && learners <= 9, "--learners must be 1 to 9");
    check(values >= 1 && values <= 1_000_000, "--values must be 1 to 1000000");
    check(loss >= 0 && loss <= 0.5, "--loss must be 0 to 0.5");
    check(timeoutSeconds >= 1, "--timeout must be at least 1");
    prepare(dir);
    BroadcastLayout layout = BroadcastLayout.write(dir, proposers, learners);
    out.printf(
        Locale.ROOT,
        "broadcast: %d proposers x %d values -> %d acceptors -> %d learners, loss %.2f, in %s%n",
        proposers,
        values,
        BroadcastLayout.ACCEPTORS,
        learners,
        loss,
        dir);
    out.flush();
    long started = System.nanoTime();
    long deadline = started + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    Map<Integer, Process> processes = new LinkedHashMap<>();
    String failure = null;
    try {
      for (Map.Entry<Integer, String> m : layout.members().entrySet()) {
        processes.put(m.getKey(), launch(layout, m.getKey(), m.getValue()));
      }
      failure = awaitDone(layout, processes, deadline);
    } finally {
      stop(processes);
    }
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    for (Map.Entry<Integer, String> m : layout.members().entrySet()) {
      String role = m.getValue();
      String file =
          role.startsWith("proposer")
              ? "prop" + index(role)
              : role.startsWith("learner") ? "learn" + index(role) : null;
      String stopped = stoppedLine(m.getKey());
      if (file != null) {
        out.printf(
            Locale.ROOT,
            "  %-10s node %-2d %-7s %6d lines%s%n",
            role,
            m.getKey(),
            file,
            lines(dir.resolve(file)),
            stopped);
      } else if (!stopped.isEmpty()) {
        out.printf(Locale.ROOT, "  %-10s node %-2d %s%n", role, m.getKey(), stopped.strip());
      }
    }
    out.printf(Locale.ROOT, "took %.1f s%n", tookMs / 1000.0);
    out.flush();
    if (failure != null) {
      err.println("FAILED: " + failure);
      err.flush();
      return 1;
    }
    BroadcastCheck.Verdict verdict = BroadcastCheck.check(dir);
    if (verdict.ok()) {
      out.println(verdict.message());
      out.flush();
      return 0;
    }
    err.println("FAILED: " + verdict.message());
    err.flush();
    return 1;
  }

  private void check(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  /**
   * Create {@code dir}, or empty it of an earlier run's files; refuse one holding anything else.
   */
  private void prepare(Path dir) throws IOException {
    if (Files.exists(dir)) {
      if (!Files.isDirectory(dir)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir + " is a file");
      }
      List<Path> entries;
      try (Stream<Path> s = Files.list(dir)) {
        entries = s.toList();
      }
      for (Path p : entries) {
        if (!OUR_FILES.matcher(p.getFileName().toString()).matches()) {
          throw new CommandLine.ParameterException(
              spec.commandLine(),
              "--dir "
                  + dir
                  + " holds "
                  + p.getFileName()
                  + ", which no broadcast run wrote; give an empty or new directory");
        }
      }
      for (Path p : entries) {
        deleteTree(p);
      }
    }
    Files.createDirectories(dir);
  }

  private static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(q);
      }
    }
  }

  private Process launch(BroadcastLayout layout, int id, String role) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp"));
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(
        List.of(
            "broadcast-node",
            "--config",
            layout.file().toString(),
            "--id",
            Integer.toString(id),
            "--index",
            Integer.toString(index(role)),
            "--dir",
            dir.toString(),
            "--values",
            Integer.toString(values),
            "--proposers",
            Integer.toString(proposers),
            "--loss",
            Double.toString(loss),
            "--seed",
            Long.toString(seed)));
    ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true);
    b.environment().keySet().removeIf(k -> k.startsWith("PAXOS_"));
    return b.redirectOutput(dir.resolve("node-" + id + ".log").toFile()).start();
  }

  /** Null once every proposer proposed and every learner learned everything; else what is not. */
  private String awaitDone(BroadcastLayout layout, Map<Integer, Process> processes, long deadline)
      throws IOException, InterruptedException {
    long expected = (long) proposers * values;
    while (true) {
      String waiting = null;
      for (Map.Entry<Integer, String> m : layout.members().entrySet()) {
        int id = m.getKey();
        String role = m.getValue();
        if (!processes.get(id).isAlive()) {
          return role + " (node " + id + ") exited: " + log(id).strip();
        }
        if (waiting != null) {
          continue;
        }
        if (role.startsWith("proposer") && !log(id).contains("PROPOSED")) {
          waiting = role + " (node " + id + ") has not proposed all its values";
        } else if (role.startsWith("learner")) {
          long learned = lines(dir.resolve("learn" + index(role)));
          if (learned < expected) {
            waiting =
                role + " (node " + id + ") learned " + learned + " of " + expected + " values";
          }
        }
      }
      if (waiting == null) {
        return null;
      }
      if (System.nanoTime() > deadline) {
        return "not done within " + timeoutSeconds + " s: " + waiting;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
  }

  /**
   * SIGTERM every process, and SIGKILL those still running two seconds later: the files are
   * complete (each line is flushed as it is written), so a slow close loses nothing.
   */
  private static void stop(Map<Integer, Process> processes) throws InterruptedException {
    for (Process p : processes.values()) {
      p.destroy();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    for (Process p : processes.values()) {
      long left = Math.max(0, deadline - System.nanoTime());
      if (!p.waitFor(left, TimeUnit.NANOSECONDS)) {
        p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
      }
    }
  }

  private String log(int id) throws IOException {
    Path log = dir.resolve("node-" + id + ".log");
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** {@code ": dropped D of M messages"} from the node's STOPPED line, if it dropped any. */
  private String stoppedLine(int id) throws IOException {
    for (String line : log(id).split("\n")) {
      if (line.startsWith("STOPPED node " + id + ": ")) {
        return "  (" + line.substring(("STOPPED node " + id + ": ").length()) + ")";
      }
    }
    return "";
  }

  private static int index(String role) {
    return Integer.parseInt(role.substring(role.indexOf(' ') + 1));
  }

  private static long lines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    long n = 0;
    for (byte b : Files.readAllBytes(file)) {
      if (b == '\n') {
        n++;
      }
    }
    return n;
  }
}
