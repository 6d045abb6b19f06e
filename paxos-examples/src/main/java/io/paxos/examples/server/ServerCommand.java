package io.paxos.examples.server;

import io.paxos.core.storage.StorageException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples server}: run one node of the replicated key-value store until SIGTERM. One
 * flag per {@link Setting} (built from the enum, so flags, environment variables and file fields
 * never drift apart), plus {@code --print-config}.
 *
 * <p>A configuration it refuses ({@link ConfigException}: a bad file, value, port in use, ...) is
 * reported in one line on stderr, with exit status 2, before the data directory is touched. Once
 * the node serves it prints {@code READY node N listening on PORT (...)} on stdout; on SIGTERM it
 * closes the node and prints {@code STOPPED node N: applied through slot S, ... state hash H}.
 *
 * <p>Not thread-safe: one instance per command line.
 */
@Command(
    name = "server",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    abbreviateSynopsis = true,
    usageHelpWidth = 100,
    description = {
      "Run one node of the replicated key-value store.",
      "Each setting comes from its flag, else its environment variable, else the cluster file,"
          + " else its default; --print-config shows which."
    },
    footer = {
      "",
      "Example: server --config paxos-examples/config/local-3.yaml --id 1 --data-dir data/node-1"
    })
public final class ServerCommand implements Callable<Integer> {
  private static final long FAILURE_POLL_MS = 500;

  @Spec CommandSpec spec;

  @Option(
      names = "--print-config",
      description =
          "Print the effective configuration and where each value came from, then exit (the data"
              + " directory is not touched).")
  boolean printConfig;

  @Option(
      names = "--list-members",
      description =
          "Print each member of the cluster file as 'ID ADDRESS', one per line, then exit (needs"
              + " only --config; for scripts).")
  boolean listMembers;

  private final Map<String, String> env;

  private ServerCommand(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /**
   * The {@code server} command line, reading {@code env} as its environment.
   *
   * @param env the environment variables; pass {@code System.getenv()} outside tests
   */
  public static CommandLine commandLine(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    CommandSpec spec = CommandSpec.forAnnotatedObject(new ServerCommand(env));
    for (Setting s : Setting.values()) {
      OptionSpec.Builder o =
          OptionSpec.builder(s.flag())
              .paramLabel(s.label())
              .type(String.class)
              .description(
                  s.description().replace("${", "$${") // a literal ${id}, not a picocli variable
                      + " Env "
                      + s.env()
                      + (s.inFile() ? "; file " + s.key() : "")
                      + s.defaultValue().map(d -> "; default " + d.replace("${", "$${")).orElse("")
                      + ".");
      if (s.label().equals("BOOL")) {
        o.arity("0..1").fallbackValue("true");
      }
      spec.addOption(o.build());
    }
    return new CommandLine(spec);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (listMembers) {
      return listMembers(out, err);
    }
    ServerConfig config;
    try {
      config = ConfigResolver.resolve(flags(), env, err::println);
    } catch (ConfigException e) {
      return refuse(err, e.getMessage());
    }
    if (printConfig) {
      out.print(config.describe());
      out.flush();
      return 0;
    }
    // Before the first logger exists: slf4j-simple reads its level once.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", config.logLevel());
    KvServer server;
    try {
      Preflight.check(config);
      server = KvServer.start(config);
    } catch (ConfigException e) {
      return refuse(err, e.getMessage());
    } catch (UncheckedIOException e) {
      return refuse(err, e.getMessage() + "; stop what uses the port or give another one");
    } catch (IllegalArgumentException | IllegalStateException | StorageException e) {
      // Started wrongly: a missing data directory, one of another cluster or node, or in use.
      return refuse(err, "node " + config.nodeId() + " cannot start: " + e.getMessage());
    } catch (RuntimeException e) {
      err.println("error: node " + config.nodeId() + " cannot start: " + e.getMessage());
      err.flush();
      return 1;
    }
    return serve(server, out, err);
  }

  private int listMembers(PrintWriter out, PrintWriter err) {
    String file = flags().getOrDefault(Setting.CONFIG, env.get(Setting.CONFIG.env()));
    if (file == null) {
      return refuse(err, "--list-members needs the cluster file: give --config FILE");
    }
    try {
      for (ClusterFile.Node n : ClusterFile.load(java.nio.file.Path.of(file)).nodes()) {
        out.println(n.id() + " " + n.address());
      }
    } catch (ConfigException e) {
      return refuse(err, e.getMessage());
    }
    out.flush();
    return 0;
  }

  private static int refuse(PrintWriter err, String message) {
    err.println("error: " + message);
    err.flush();
    return 2;
  }

  /**
   * Print READY, then wait for SIGTERM (or Ctrl-C) and close the node. A node that stops on a
   * failure of its storage or state machine (fail-stop) ends the process with status 1 and one line
   * saying why, so that a supervisor sees it and restarts it.
   */
  private static int serve(KvServer server, PrintWriter out, PrintWriter err) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  out.println(server.closeAndDescribe());
                  out.flush();
                  stopped.countDown();
                },
                "paxos-shutdown"));
    out.println(server.readyLine());
    out.flush();
    try {
      while (!stopped.await(FAILURE_POLL_MS, TimeUnit.MILLISECONDS)) {
        Optional<String> failure = server.node().node().status().failure();
        if (failure.isPresent()) {
          err.println(
              "error: node "
                  + server.node().node().id()
                  + " stopped: "
                  + withoutExceptionClass(failure.get()));
          err.flush();
          return 1;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      server.close();
    }
    return 0;
  }

  /**
   * {@code failure} without the exception class a {@code Throwable.toString()} starts with ({@code
   * io.paxos.core.storage.StorageException: data directory ... was deleted ...}): the operator
   * needs the message.
   */
  static String withoutExceptionClass(String failure) {
    return failure.replaceFirst("^(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error): ", "");
  }

  /** The settings given as flags, as written. */
  private Map<Setting, String> flags() {
    Map<Setting, String> flags = new EnumMap<>(Setting.class);
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    for (Setting s : Setting.values()) {
      OptionSpec o = spec.findOption(s.flag());
      if (parsed.hasMatchedOption(o)) {
        flags.put(s, o.getValue());
      }
    }
    return flags;
  }
}
