package io.paxos.examples.broadcast;

import io.paxos.core.NodeClosedException;
import io.paxos.core.config.Role;
import io.paxos.core.runtime.PaxosNode;
import io.paxos.core.transport.Transport;
import io.paxos.examples.server.ConfigException;
import io.paxos.examples.server.ConfigResolver;
import io.paxos.examples.server.ServerConfig;
import io.paxos.examples.server.Setting;
import io.paxos.grpc.NodeServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples broadcast-node}: one process of a {@code broadcast} run (started by {@link
 * BroadcastCommand}, not by hand). It runs its member of the generated cluster file; a learner
 * writes what it learns to {@code learn<index>} ({@link LearnedLog}), a proposer broadcasts its
 * values and writes them to {@code prop<index>}, then prints {@code PROPOSED}. It runs until
 * SIGTERM: a proposer that has proposed everything may still be the one that leads.
 *
 * <p>Proposer {@code i} of {@code K} broadcasts {@code j*K + i - 1} for {@code j} from 0 to {@code
 * N-1}: distinct values, all of 0 .. K*N-1 between the proposers. Each is submitted in a client
 * session ({@code clientId}, sequence {@code j+1}), up to {@value #WINDOW} at once, and sent again
 * until it is applied: the session's deduplication applies a value at most once however often it is
 * sent, so a lost message costs a retry, never a duplicate.
 */
@Command(name = "broadcast-node", hidden = true, mixinStandardHelpOptions = true)
public final class BroadcastNodeCommand implements java.util.concurrent.Callable<Integer> {
  static final int WINDOW = 32;
  private static final long RETRY_PAUSE_MS = 20;

  @Spec CommandSpec spec;

  @Option(names = "--config", required = true)
  Path config;

  @Option(names = "--id", required = true)
  int id;

  @Option(names = "--index", required = true)
  int index;

  @Option(names = "--dir", required = true)
  Path dir;

  @Option(names = "--values", required = true)
  int values;

  @Option(names = "--proposers", required = true)
  int proposers;

  @Option(names = "--loss", defaultValue = "0")
  double loss;

  @Option(names = "--seed", defaultValue = "1")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    flags.put(Setting.CONFIG, config.toString());
    flags.put(Setting.ID, Integer.toString(id));
    flags.put(Setting.BOOTSTRAP_NEW, "true");
    flags.put(Setting.LOG_LEVEL, "warn");
    ServerConfig resolved;
    try {
      resolved = ConfigResolver.resolve(flags, Map.of(), err::println);
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return 2;
    }
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", resolved.logLevel());
    boolean proposer = resolved.self().roles().contains(Role.PROPOSER);
    LossyTransport[] lossy = new LossyTransport[1];
    UnaryOperator<Transport> transports =
        t -> {
          if (loss == 0) {
            return t;
          }
          lossy[0] = new LossyTransport(t, loss, seed * 1_000_003L + id);
          return lossy[0];
        };
    NodeServer node =
        NodeServer.start(
            resolved.nodeSettings(),
            () -> new LearnedLog(dir.resolve("learn" + index)),
            b -> {},
            transports);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Said first: the run's files are complete, so the runner may not wait for the
                  // close.
                  if (lossy[0] != null) {
                    out.println(
                        "STOPPED node "
                            + id
                            + ": dropped "
                            + lossy[0].dropped()
                            + " of "
                            + (lossy[0].dropped() + lossy[0].sent())
                            + " messages");
                  } else {
                    out.println("STOPPED node " + id);
                  }
                  out.flush();
                  node.close();
                  stopped.countDown();
                },
                "broadcast-shutdown"));
    out.println("READY node " + id + " (" + resolved.self().roles() + ")");
    out.flush();
    if (proposer) {
      try {
        propose(node.node(), dir.resolve("prop" + index));
        out.println("PROPOSED " + values + " values from node " + id);
        out.flush();
      } catch (NodeClosedException e) {
        return 0; // stopping
      }
    }
    stopped.await();
    return 0;
  }

  /** Broadcast this proposer's values, each written to {@code file} as it is first submitted. */
  private void propose(PaxosNode node, Path file) throws IOException, InterruptedException {
    long clientId = new Random(seed * 7_919L + id).nextLong() | 1L;
    byte[][] commands = new byte[values][];
    @SuppressWarnings("unchecked")
    CompletableFuture<byte[]>[] pending = new CompletableFuture[values];
    try (BufferedWriter prop = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int j = 0; j < values; j++) {
        if (j >= WINDOW) {
          awaitApplied(node, clientId, j - WINDOW, commands, pending);
        }
        long value = (long) j * proposers + index - 1;
        prop.write(Long.toString(value));
        prop.write('\n');
        prop.flush();
        commands[j] = LearnedLog.command(value);
        pending[j] = submit(node, clientId, j, floor(j), commands[j]);
      }
      for (int j = Math.max(0, values - WINDOW); j < values; j++) {
        awaitApplied(node, clientId, j, commands, pending);
      }
    }
  }

  /**
   * The lowest sequence not yet known applied when sequence {@code j + 1} is sent: all below it
   * are.
   */
  private static long floor(int j) {
    return Math.max(1, j + 1 - WINDOW + 1);
  }

  private static CompletableFuture<byte[]> submit(
      PaxosNode node, long clientId, int j, long acknowledgedBelow, byte[] command) {
    try {
      return node.submit(clientId, j + 1L, acknowledgedBelow, command);
    } catch (IllegalStateException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  /** Wait until value {@code j} is applied, sending it again after each failure. */
  private static void awaitApplied(
      PaxosNode node, long clientId, int j, byte[][] commands, CompletableFuture<byte[]>[] pending)
      throws InterruptedException {
    while (true) {
      try {
        pending[j].get();
        return;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof NodeClosedException closed) {
          throw closed;
        }
        TimeUnit.MILLISECONDS.sleep(RETRY_PAUSE_MS);
        // Every sequence below j is applied (awaited in order), so j is the floor now.
        pending[j] = submit(node, clientId, j, j + 1L, commands[j]);
      }
    }
  }
}
