package io.paxos.examples.demo;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code paxos-examples demo}: run the in-JVM demo cluster and print what happened. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description =
        "Start a replicated key-value store on N nodes in this JVM, write to it from every node,"
            + " crash the leader half-way, and print the state every surviving node agreed on.")
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--nodes",
      defaultValue = "3",
      description = "Nodes in the cluster, 3 to 9 (default: ${DEFAULT-VALUE}).")
  int nodes;

  @Option(
      names = "--writes",
      defaultValue = "2000",
      description = "PUT commands to replicate, 10 to 1000000 (default: ${DEFAULT-VALUE}).")
  int writes;

  @Override
  public Integer call() throws Exception {
    DemoReport report = new Demo(nodes, writes, System.out).run();
    return report.survivorsAgree() ? 0 : 1;
  }
}
