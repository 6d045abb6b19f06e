package io.paxos.benchmarks;

import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs workload W1 and prints one {@code RESULT} line: a 3-node replicated key-value store, {@code
 * clients} writes kept in flight for the whole run, each a PUT of a 16-byte key (uniform over
 * 100,000 keys) and a {@code payload}-byte value; {@code warmup} seconds discarded, then {@code
 * seconds} measured: completed writes per second and the latency of every completed write.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.paxos.benchmarks.LoadGenerator --no-sync
 * </pre>
 */
@Command(
    name = "LoadGenerator",
    mixinStandardHelpOptions = true,
    description = "Run workload W1 against a replicated key-value store and print a RESULT line.")
public final class LoadGenerator implements Callable<Integer> {
  @Option(names = "--clients", defaultValue = "64", description = "Writes in flight (1-100000).")
  int clients;

  @Option(names = "--payload", defaultValue = "100", description = "Value bytes (0-1048576).")
  int payload;

  @Option(names = "--seconds", defaultValue = "20", description = "Measured seconds (1-3600).")
  int seconds;

  @Option(names = "--warmup", defaultValue = "5", description = "Warm-up seconds (0-3600).")
  int warmup;

  @Option(
      names = "--transport",
      defaultValue = "inmemory",
      description = "inmemory (all nodes in this JVM) or grpc.")
  String transport;

  @Option(names = "--no-sync", description = "Do not fsync (in-memory storage).")
  boolean noSync;

  @Option(names = "--nodes", defaultValue = "3", description = "Nodes in this JVM (1-9).")
  int nodes;

  @Option(
      names = "--endpoints",
      description = "host:port,... of a running cluster (gRPC) instead of nodes in this JVM.")
  String endpoints;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    Workload.Settings settings = validate();
    Workload.Result r;
    try (W1Target target = W1Target.inMemory(nodes)) {
      r = new Workload(settings, target).run();
    }
    spec.commandLine().getOut().println(resultLine(settings, r));
    spec.commandLine().getOut().flush();
    return 0;
  }

  private Workload.Settings validate() {
    require(spec, clients >= 1 && clients <= 100_000, "--clients must be 1-100000, was " + clients);
    require(
        spec, payload >= 0 && payload <= 1 << 20, "--payload must be 0-1048576, was " + payload);
    require(spec, seconds >= 1 && seconds <= 3600, "--seconds must be 1-3600, was " + seconds);
    require(spec, warmup >= 0 && warmup <= 3600, "--warmup must be 0-3600, was " + warmup);
    require(spec, nodes >= 1 && nodes <= 9, "--nodes must be 1-9, was " + nodes);
    require(
        spec,
        transport.equals("inmemory") || transport.equals("grpc"),
        "--transport must be inmemory or grpc, was " + transport);
    require(
        spec,
        !transport.equals("grpc") && endpoints == null,
        "--transport grpc and --endpoints need the gRPC transport, which is not built yet;"
            + " use --transport inmemory");
    require(
        spec, noSync, "sync=on needs durable file storage, which is not built yet; pass --no-sync");
    return new Workload.Settings(clients, payload, seconds, warmup);
  }

  private static void require(CommandLine.Model.CommandSpec spec, boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  private String resultLine(Workload.Settings s, Workload.Result r) {
    return String.format(
        Locale.ROOT,
        "RESULT system=paxos workload=W1 transport=%s clients=%d payload=%d sync=%s seconds=%d"
            + " ops_per_sec=%.0f p50_us=%d p99_us=%d",
        transport,
        s.clients(),
        s.payload(),
        noSync ? "off" : "on",
        s.seconds(),
        r.opsPerSecond(),
        r.p50Micros(),
        r.p99Micros());
  }
}
