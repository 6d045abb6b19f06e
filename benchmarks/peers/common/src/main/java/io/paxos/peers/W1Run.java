package io.paxos.peers;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A harness's main: parses the flags, starts the cluster in a scratch directory (deleted at exit),
 * runs {@link ClosedLoop}, stops the cluster and prints the {@code RESULT} line with the load
 * generator's keys.
 */
public final class W1Run {

  /** Starts a cluster whose durable state lives under {@code scratch}. */
  @FunctionalInterface
  public interface Starter {
    W1Cluster start(W1Options options, Path scratch) throws Exception;
  }

  private W1Run() {}

  /**
   * @param system the RESULT line's {@code system=}
   * @param transport the RESULT line's {@code transport=}: how the writes travel
   * @param usage printed for {@code --help} and after a bad flag
   */
  public static void main(
      String[] args,
      String system,
      String transport,
      String usage,
      List<String> extraFlags,
      Starter starter) {
    if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
      System.out.println(usage);
      System.exit(0);
    }
    W1Options options;
    try {
      options = W1Options.parse(args, extraFlags);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage);
      System.exit(2);
      return;
    }
    int exit = 1;
    try {
      exit = run(options, system, transport, starter);
    } catch (Throwable t) {
      System.err.println("run failed: " + t);
      t.printStackTrace();
    }
    // Halt: some peers leave non-daemon threads behind after close; the hooks still ran.
    System.out.flush();
    Runtime.getRuntime().halt(exit);
  }

  private static int run(W1Options options, String system, String transport, Starter starter)
      throws Exception {
    Path scratch = Files.createTempDirectory(system + "-w1-");
    ClosedLoop.Result r;
    W1Cluster cluster = null;
    try {
      cluster = starter.start(options, scratch);
      System.out.println(cluster.describe());
      r = new ClosedLoop(options, cluster).run();
    } finally {
      if (cluster != null) {
        closeQuietly(cluster);
      }
      deleteRecursively(scratch);
    }
    if (r.errors() > 0) {
      System.err.println(
          "writes that failed and were replaced: " + r.errors() + "; first: " + r.firstError());
    }
    if (r.cpuSeconds() >= 0 && r.completed() > 0) {
      System.err.printf(
          Locale.ROOT,
          "cpu: %.1f us of this JVM's CPU per write, %.2f cores busy%n",
          r.cpuSeconds() * 1e6 / r.completed(),
          r.cpuSeconds() / options.seconds);
    }
    System.out.println(resultLine(system, transport, options, r));
    return r.completed() > 0 ? 0 : 1;
  }

  /** The load generator's RESULT line, with this peer's system and transport. */
  static String resultLine(String system, String transport, W1Options o, ClosedLoop.Result r) {
    return String.format(
        Locale.ROOT,
        "RESULT system=%s workload=W1 transport=%s clients=%d payload=%d sync=%s seconds=%d"
            + " ops_per_sec=%.0f p50_us=%d p99_us=%d p999_us=%d",
        system,
        transport,
        o.clients,
        o.payload,
        o.sync ? "on" : "off",
        o.seconds,
        r.opsPerSecond(),
        r.p50Micros(),
        r.p99Micros(),
        r.p999Micros());
  }

  /**
   * Closes within 20 s, with standard error muted: peers log every connection that drops while the
   * group goes away.
   */
  private static void closeQuietly(AutoCloseable cluster) throws InterruptedException {
    PrintStream err = System.err;
    System.setErr(new PrintStream(OutputStream.nullOutputStream()));
    Thread closer =
        new Thread(
            () -> {
              try {
                cluster.close();
              } catch (Exception e) {
                err.println("close failed: " + e);
              }
            },
            "w1-close");
    closer.setDaemon(true);
    closer.start();
    closer.join(20_000);
    System.setErr(err);
    if (closer.isAlive()) {
      System.err.println("the cluster did not stop within 20 s");
    }
  }

  /** Deletes {@code dir} and everything in it; no-op if it is gone. */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e);
    }
  }
}
