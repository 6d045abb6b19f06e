package io.paxos.examples;

import io.paxos.examples.demo.DemoCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of {@code paxos-examples.jar}: one subcommand per example. */
@Command(
    name = "paxos-examples",
    mixinStandardHelpOptions = true,
    description = "Replicated services built on the paxos library.",
    subcommands = {DemoCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new Main()).execute(args));
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name an example to run, e.g. demo");
  }
}
