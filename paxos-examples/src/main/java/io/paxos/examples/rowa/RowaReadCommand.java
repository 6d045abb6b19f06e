package io.paxos.examples.rowa;

import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples rowa-read --stores ... KEY}: read a key from one store (Nr = 1): the first
 * of {@code --stores} that answers. Prints the value and the store's last committed slot; a store
 * may be behind the cluster by the writes not yet committed to it.
 */
@Command(
    name = "rowa-read",
    mixinStandardHelpOptions = true,
    description = "Read KEY from one store of a read-one/write-all group (the first that answers).")
public final class RowaReadCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin StoresOption stores;

  @Parameters(paramLabel = "KEY")
  String key;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<List<Endpoint>> parsed = stores.endpoints(err);
    if (parsed.isEmpty()) {
      return 2;
    }
    List<Endpoint> list = parsed.get();
    for (Endpoint e : list) {
      try (StoreClient c = new StoreClient(e, Duration.ofSeconds(2))) {
        String answer = c.call("READ " + key);
        String[] p = answer.split(" ");
        if (p[0].equals("VALUE") && p.length == 3) {
          out.println(
              new String(Base64.getDecoder().decode(p[2]), StandardCharsets.UTF_8)
                  + "\t(store "
                  + e
                  + ", committed through slot "
                  + p[1]
                  + ")");
          out.flush();
          return 0;
        }
        if (p[0].equals("NOT_FOUND") && p.length == 2) {
          out.println("(not found)\t(store " + e + ", committed through slot " + p[1] + ")");
          out.flush();
          return 1;
        }
        err.println("error: store " + e + ": " + answer);
        err.flush();
        return 2;
      } catch (IOException x) {
        err.println("store " + e + " did not answer (" + x.getMessage() + "); trying the next");
        err.flush();
      }
    }
    err.println("error: no store answered");
    err.flush();
    return 2;
  }
}
