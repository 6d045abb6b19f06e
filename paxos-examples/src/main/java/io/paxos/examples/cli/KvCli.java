package io.paxos.examples.cli;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Objects;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples kv}: the command-line client of the replicated key-value store. Each
 * subcommand makes one request through a {@link io.paxos.grpc.client.PaxosClient}, which finds and
 * follows the leader, prints the outcome, and exits with a code from {@link Exits}.
 *
 * <p>Holds the process's standard input and raw standard output (for {@code put KEY -} and {@code
 * get --raw}); tests give their own. Text output goes to the {@link CommandLine}'s {@code out} and
 * {@code err} writers. Use {@link #commandLine} so that bad input is reported as one line.
 *
 * <p>Not thread-safe: one instance runs one command line at a time, on the caller's thread.
 */
@Command(
    name = "kv",
    mixinStandardHelpOptions = true,
    description = {
      "Client of the replicated key-value store: put, get, delete, compare-and-set and scan"
          + " keys, watch changes, show the cluster's status and change its membership.",
      "Exit codes: 0 done (also 'not found'), 1 refused, 2 bad input, 3 cluster unreachable,"
          + " 4 timed out (a write may or may not be applied), 5 compare-and-set failed."
    },
    subcommands = {
      PutCommand.class,
      GetCommand.class,
      DeleteCommand.class,
      CasCommand.class,
      ScanCommand.class,
      StatusCommand.class,
      MembersCommand.class,
      WatchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class KvCli implements Runnable {
  final InputStream stdin;
  final OutputStream stdout;

  /** The environment: {@code PAXOS_ENDPOINTS} and {@code PAXOS_CONFIG} say where the cluster is. */
  final Map<String, String> env;

  @Spec CommandSpec spec;

  /** The client on the process's standard streams. */
  public KvCli() {
    this(System.in, System.out);
  }

  /** The client reading values from {@code stdin} and writing raw values to {@code stdout}. */
  public KvCli(InputStream stdin, OutputStream stdout) {
    this(stdin, stdout, System.getenv());
  }

  /** The client on these streams, reading {@code env} as its environment. */
  public KvCli(InputStream stdin, OutputStream stdout, Map<String, String> env) {
    this.stdin = Objects.requireNonNull(stdin, "stdin");
    this.stdout = Objects.requireNonNull(stdout, "stdout");
    this.env = Map.copyOf(env);
  }

  /** A command line for {@code kv}, reporting bad input as one line on stderr (exit code 2). */
  public static CommandLine commandLine(KvCli kv) {
    CommandLine cl = new CommandLine(kv);
    return cl.setParameterExceptionHandler(oneLineForKv(cl.getParameterExceptionHandler()));
  }

  /**
   * A handler that reports bad input to {@code kv} and its subcommands as one line on stderr,
   * naming the command and pointing to its {@code --help}, and exits 2; bad input to other commands
   * goes to {@code others}. Set it on the command line that is executed (picocli asks that one's
   * handler, whichever subcommand the input was for).
   */
  public static IParameterExceptionHandler oneLineForKv(IParameterExceptionHandler others) {
    return (e, args) -> {
      CommandLine where = e.getCommandLine();
      if (!isKv(where)) {
        return others.handleParseException(e, args);
      }
      String name = where.getCommandSpec().qualifiedName().replaceFirst("^paxos-examples ", "");
      PrintWriter err = where.getErr();
      err.println(
          name
              + ": "
              + KvAction.oneLine(String.valueOf(e.getMessage()))
              + " (see "
              + name
              + " --help)");
      err.flush();
      return Exits.USAGE;
    };
  }

  private static boolean isKv(CommandLine cl) {
    for (CommandLine c = cl; c != null; c = c.getParent()) {
      if (c.getCommand() instanceof KvCli) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name a command: put, get, delete, cas, scan, watch, status or members");
  }
}
