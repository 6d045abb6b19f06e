package io.paxos.examples.rowa;

import io.paxos.grpc.Endpoint;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The {@code --stores} option of the commands that talk to the stores directly. */
final class StoresOption {
  @Option(
      names = "--stores",
      required = true,
      paramLabel = "HOST:PORT,...",
      description = "The stores, tried in this order.")
  String stores;

  /** The stores' addresses, or empty after saying on {@code err} what is wrong with the list. */
  Optional<List<Endpoint>> endpoints(PrintWriter err) {
    try {
      return Optional.of(Endpoint.parseList(stores));
    } catch (IllegalArgumentException e) {
      err.println("error: --stores: " + e.getMessage());
      err.flush();
      return Optional.empty();
    }
  }
}
