package io.paxos.examples.rowa;

import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples rowa-status --stores ...}: each store's {@code STATUS} line (its last
 * committed slot, the slot in doubt, key count and state hash), one a line; exit 1 if a store does
 * not answer.
 */
@Command(
    name = "rowa-status",
    mixinStandardHelpOptions = true,
    description = "Show each store's last committed slot, transaction in doubt, keys and hash.")
public final class RowaStatusCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Mixin StoresOption stores;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<List<Endpoint>> parsed = stores.endpoints(err);
    if (parsed.isEmpty()) {
      return 2;
    }
    List<Endpoint> list = parsed.get();
    int status = 0;
    for (Endpoint e : list) {
      try (StoreClient c = new StoreClient(e, Duration.ofSeconds(2))) {
        out.println(e + " " + c.call("STATUS"));
      } catch (IOException x) {
        out.println(e + " UNREACHABLE " + x.getMessage());
        status = 1;
      }
    }
    out.flush();
    return status;
  }
}
