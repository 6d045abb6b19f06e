package io.paxos.examples.broadcast;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples broadcast-check --dir D}: {@link BroadcastCheck} on a run's files; exit
 * status 0 if it passes, 1 with the first difference otherwise, 2 if the directory cannot be read.
 */
@Command(
    name = "broadcast-check",
    mixinStandardHelpOptions = true,
    description = {
      "Check an atomic broadcast run: every learn<n> file holds the same sequence, and it holds"
          + " every value of the prop<n> files exactly once, and nothing else.",
      "Exits 0 if so, 1 with the first difference otherwise."
    })
public final class BroadcastCheckCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      required = true,
      paramLabel = "DIR",
      description = "The directory holding the learn<n> and prop<n> files.")
  Path dir;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isDirectory(dir)) {
      err.println("error: " + dir + " is not a directory");
      err.flush();
      return 2;
    }
    BroadcastCheck.Verdict verdict;
    try {
      verdict = BroadcastCheck.check(dir);
    } catch (IOException e) {
      err.println("error: cannot read " + dir + ": " + e.getMessage());
      err.flush();
      return 2;
    }
    if (verdict.ok()) {
      out.println(verdict.message());
      out.flush();
      return 0;
    }
    err.println("FAILED: " + verdict.message());
    err.flush();
    return 1;
  }
}
