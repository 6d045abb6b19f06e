package io.paxos.examples;

import io.paxos.examples.balancer.BalancerCommand;
import io.paxos.examples.broadcast.BroadcastCheckCommand;
import io.paxos.examples.broadcast.BroadcastCommand;
import io.paxos.examples.broadcast.BroadcastNodeCommand;
import io.paxos.examples.cli.KvCli;
import io.paxos.examples.demo.DemoCommand;
import io.paxos.examples.oplog.OpLogCompareCommand;
import io.paxos.examples.rowa.RowaReadCommand;
import io.paxos.examples.rowa.RowaStatusCommand;
import io.paxos.examples.rowa.StoreCommand;
import io.paxos.examples.scenarios.FailureScenarios;
import io.paxos.examples.server.ServerCommand;
import java.util.Map;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code paxos-examples.jar}: one subcommand per example, and {@code
 * generate-completion}, which prints a bash/zsh completion script ({@code source <(java -jar
 * paxos-examples.jar generate-completion)}).
 */
@Command(
    name = "paxos-examples",
    mixinStandardHelpOptions = true,
    description = "Replicated services built on the paxos library.",
    subcommands = {
      DemoCommand.class,
      KvCli.class,
      FailureScenarios.class,
      BalancerCommand.class,
      BroadcastCommand.class,
      BroadcastCheckCommand.class,
      BroadcastNodeCommand.class,
      OpLogCompareCommand.class,
      StoreCommand.class,
      RowaReadCommand.class,
      RowaStatusCommand.class,
      AutoComplete.GenerateCompletion.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(System.getenv()).execute(args));
  }

  /** The whole command line, reading the process's environment. */
  public static CommandLine commandLine() {
    return commandLine(System.getenv());
  }

  /**
   * The whole command line: {@code demo}, {@code server} and {@code kv}, reading {@code env} as the
   * environment. A mistake in the arguments (an unknown option, a missing value) is reported in one
   * line, with exit status 2.
   */
  public static CommandLine commandLine(Map<String, String> env) {
    CommandLine cl = new CommandLine(new Main());
    cl.addSubcommand("server", ServerCommand.commandLine(env));
    cl.setParameterExceptionHandler(
        (e, args) -> {
          CommandLine where = e.getCommandLine();
          where
              .getErr()
              .println(
                  "error: "
                      + e.getMessage()
                      + "; see '"
                      + where.getCommandSpec().qualifiedName()
                      + " --help'");
          where.getErr().flush();
          return 2;
        });
    return cl.setParameterExceptionHandler(KvCli.oneLineForKv(cl.getParameterExceptionHandler()));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name an example to run, e.g. demo, server or kv");
  }
}
