package io.paxos.examples.rowa;

import io.paxos.grpc.Endpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code paxos-examples store}: one store of the read-one/write-all group behind a role-split
 * cluster's learners ({@code server --rowa-stores ...}). It serves {@link StoreProtocol} over TCP,
 * keeps every prepare, commit and abort in {@code DIR/store.log} (fsynced before it answers), and
 * on a restart with a transaction in doubt asks the learners for its outcome ({@link
 * InDoubtResolver}).
 *
 * <p>Prints {@code READY store listening on PORT (...)}, then runs until SIGTERM, when it prints
 * {@code STOPPED store: committed through slot S, K keys, state hash H}.
 */
@Command(
    name = "store",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Run one store of a read-one/write-all group: the learners of a role-split cluster"
          + " (server --rowa-stores) commit each chosen write to every store with two-phase"
          + " commit; a client reads from any one (rowa-read)."
    },
    footer = {
      "",
      "Example:",
      "  store --listen 127.0.0.1:7101 --data-dir data/store-1 --learners 127.0.0.1:8221,127.0.0.1:8222"
    })
public final class StoreCommand implements Callable<Integer> {
  @Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--listen",
      paramLabel = "HOST:PORT",
      defaultValue = "127.0.0.1:0",
      description =
          "Where to serve the store protocol (port 0: a free one; default ${DEFAULT-VALUE}).")
  String listen;

  @Option(
      names = "--data-dir",
      required = true,
      paramLabel = "DIR",
      description = "Where the store keeps its log (store.log); created if missing.")
  Path dataDir;

  @Option(
      names = "--learners",
      paramLabel = "HOST:HTTP-PORT,...",
      description =
          "The learners' HTTP addresses, asked for the outcome of a transaction left in doubt by a"
              + " crash; without them it waits for a learner's commit or abort.")
  String learners;

  @Override
  public Integer call() {
    PrintStream out = System.out;
    PrintStream err = System.err;
    Endpoint at;
    List<Endpoint> asked;
    try {
      at = Endpoint.parse(listen);
      asked = learners == null ? List.of() : Endpoint.parseList(learners);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
    RowaStore store;
    try {
      store = RowaStore.open(dataDir, CrashPoints.fromEnv(System.getenv()));
    } catch (IOException e) {
      err.println("error: store cannot start: " + e.getMessage());
      return 2;
    }
    StoreServer server;
    try {
      server = StoreServer.start(store, at.host(), at.port(), err);
    } catch (IOException e) {
      err.println("error: cannot listen on " + at + ": " + e.getMessage());
      return 2;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  out.println(
                      "STOPPED store: committed through slot "
                          + store.committed()
                          + ", "
                          + store.size()
                          + " keys, state hash "
                          + store.stateHash());
                  out.flush();
                  try {
                    store.close();
                  } catch (IOException e) {
                    // stopping
                  }
                  stopped.countDown();
                },
                "store-shutdown"));
    out.println(
        "READY store listening on "
            + server.port()
            + " (data "
            + dataDir
            + ", committed through slot "
            + store.committed()
            + ", in doubt: "
            + store.inDoubt().map(t -> "slot " + t.slot()).orElse("none")
            + ")");
    out.flush();
    new InDoubtResolver(store, asked, out).start();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
