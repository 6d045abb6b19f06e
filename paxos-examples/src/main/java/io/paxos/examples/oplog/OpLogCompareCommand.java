package io.paxos.examples.oplog;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples oplog-compare FILE...}: {@link OpLogCompare}; exit status 0 with a summary
 * if the files agree, 1 with the first slot where two differ, 2 if a file cannot be read or is not
 * an oplog.
 */
@Command(
    name = "oplog-compare",
    mixinStandardHelpOptions = true,
    description = {
      "Compare the oplog files of nodes (server --oplog) slot by slot over the slots they share.",
      "Exits 0 if no two differ, 1 with the first slot where two do (both lines), 2 if a file"
          + " cannot be read or is not an oplog."
    })
public final class OpLogCompareCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "The oplog files.")
  List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    OpLogCompare.Verdict verdict;
    try {
      verdict = OpLogCompare.compare(files);
    } catch (OpLogReader.MalformedOpLogException e) {
      err.println("error: not an oplog: " + e.getMessage());
      err.flush();
      return 2;
    } catch (IOException e) {
      err.println("error: cannot read " + e.getMessage());
      err.flush();
      return 2;
    }
    if (verdict.agree()) {
      out.println(verdict.message());
      out.flush();
      return 0;
    }
    out.println("DIFFER: " + verdict.message());
    out.flush();
    return 1;
  }
}
