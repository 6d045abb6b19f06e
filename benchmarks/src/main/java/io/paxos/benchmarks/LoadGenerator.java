package io.paxos.benchmarks;

import io.paxos.core.config.ProtocolOptions;
import io.paxos.core.runtime.PaxosNodeBuilder;
import io.paxos.core.storage.FileStorage;
import io.paxos.core.storage.FileStorageOptions;
import io.paxos.core.storage.InMemoryStorage;
import io.paxos.core.storage.Storage;
import io.paxos.grpc.Endpoint;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs workload W1 and prints one {@code RESULT} line: a replicated key-value store of 3 (or 5)
 * nodes, {@code clients} writes kept in flight for the whole run, each a PUT of a 16-byte key
 * (uniform over 100,000 keys) and a {@code payload}-byte value; {@code warmup} seconds discarded,
 * then {@code seconds} measured: completed writes per second and the latency of every completed
 * write.
 *
 * <p>Where the writes go: {@code --transport inmemory} runs the nodes in this JVM over the
 * in-memory network and calls them directly; {@code --transport grpc} runs them in this JVM, each
 * with its own gRPC server on 127.0.0.1, and sends the writes through {@code PaxosClient}s as an
 * application would; {@code --transport grpc --endpoints h:p,...} sends them to a cluster that is
 * already running (e.g. {@code paxos-examples.jar server} processes).
 *
 * <p>Sync on (the default) keeps each node's state in a {@code FileStorage} in a temporary
 * directory, deleted at exit, with one fsync per group commit; {@code --no-sync} keeps it in
 * memory. With {@code --endpoints} the cluster's own storage decides, and the flag only labels the
 * result.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.paxos.benchmarks.LoadGenerator --transport grpc
 * </pre>
 *
 * <p>{@code --stages} also prints, after the {@code RESULT} line, where a write spends its time:
 * every node samples one slot and one command in {@code --stage-sample} and times each step of the
 * write path ({@link io.paxos.core.observe.WriteStep}); the table gives each step's count, median
 * and p99 in the measured window ({@code docs/write-path-stages.md}).
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
      description =
          "inmemory (nodes in this JVM, called directly) or grpc (through PaxosClient over gRPC).")
  String transport;

  @Option(
      names = "--no-sync",
      description = "Keep the nodes' state in memory instead of fsynced files in a temp directory.")
  boolean noSync;

  @Option(
      names = "--forces",
      defaultValue = "1",
      description =
          "Forces of a node's log that may run at once (FileStorageOptions.forcesInFlight, 1-4):"
              + " with 2, the next group is written and forced while the previous force runs.")
  int forces;

  @Option(names = "--nodes", defaultValue = "3", description = "Nodes in this JVM: 3 or 5.")
  int nodes;

  @Option(
      names = "--endpoints",
      description = "host:port,... of a running cluster to drive (only with --transport grpc).")
  String endpoints;

  @Option(
      names = "--stages",
      description =
          "After the RESULT line, print a table of the write path's steps (count, p50, p99),"
              + " timed by the nodes in this JVM on a sample of the writes.")
  boolean stages;

  @Option(
      names = "--stage-sample",
      defaultValue = "8",
      description = "With --stages: time one slot and one command in N (1-1000000).")
  int stageSample;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new LoadGenerator()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Workload.Settings settings = validate();
    Workload.Result r;
    StageTable table = stages ? new StageTable() : null;
    try (ScratchDirectory scratch = noSync ? null : new ScratchDirectory("paxos-w1-");
        W1Target target = target(scratch, table)) {
      r = new Workload(settings, target, table == null ? () -> {} : table::reset).run();
    }
    if (r.errors() > 0) {
      spec.commandLine()
          .getErr()
          .println(
              "writes that failed and were replaced: " + r.errors() + "; first: " + r.firstError());
    }
    if (r.cpuSeconds() >= 0 && r.completed() > 0) {
      spec.commandLine()
          .getErr()
          .printf(
              Locale.ROOT,
              "cpu: %.1f us of this JVM's CPU per write, %.2f cores busy%n",
              r.cpuSeconds() * 1e6 / r.completed(),
              r.cpuSeconds() / settings.seconds());
    }
    spec.commandLine().getOut().println(resultLine(settings, r));
    spec.commandLine().getOut().flush();
    if (table != null) {
      table.print(spec.commandLine().getOut(), r.latencies(), stageSample);
    }
    return 0;
  }

  /** Where the writes go; with {@code table}, every node in this JVM samples its write stages. */
  private W1Target target(ScratchDirectory scratch, StageTable table) {
    Consumer<PaxosNodeBuilder> customize =
        table == null ? b -> {} : b -> b.observer(table).writeStageSampling(stageSample);
    IntFunction<Storage> storage =
        scratch == null
            ? id -> new InMemoryStorage()
            : id ->
                FileStorage.open(
                    scratch.newDirectory("node-" + id),
                    "w1",
                    id,
                    FileStorageOptions.defaults().withForcesInFlight(forces));
    if (endpoints != null) {
      return GrpcClients.connect(Endpoint.parseList(endpoints), clients, () -> {});
    }
    if (transport.equals("grpc")) {
      return GrpcClients.startLocal(nodes, storage, clients, customize);
    }
    return InMemoryCluster.start(nodes, ProtocolOptions.defaults(), storage, customize);
  }

  private Workload.Settings validate() {
    require(clients >= 1 && clients <= 100_000, "--clients must be 1-100000, was " + clients);
    require(payload >= 0 && payload <= 1 << 20, "--payload must be 0-1048576, was " + payload);
    require(
        forces >= 1 && forces <= FileStorageOptions.MAX_FORCES_IN_FLIGHT,
        "--forces must be 1-" + FileStorageOptions.MAX_FORCES_IN_FLIGHT + ", was " + forces);
    require(seconds >= 1 && seconds <= 3600, "--seconds must be 1-3600, was " + seconds);
    require(warmup >= 0 && warmup <= 3600, "--warmup must be 0-3600, was " + warmup);
    require(nodes == 3 || nodes == 5, "--nodes must be 3 or 5, was " + nodes);
    require(
        stageSample >= 1 && stageSample <= 1_000_000,
        "--stage-sample must be 1-1000000, was " + stageSample);
    require(
        !spec.commandLine().getParseResult().hasMatchedOption("--stage-sample") || stages,
        "--stage-sample sets how --stages samples: add --stages");
    require(
        transport.equals("inmemory") || transport.equals("grpc"),
        "--transport must be inmemory or grpc, was " + transport);
    if (endpoints != null) {
      require(
          transport.equals("grpc"),
          "--endpoints drives a running cluster over gRPC: add --transport grpc");
      require(
          !stages,
          "--stages times the nodes in this JVM; a running cluster reports its steps on /metrics"
              + " (paxos_write_step_seconds, with the server's stage-sample setting)");
      require(
          !spec.commandLine().getParseResult().hasMatchedOption("--nodes"),
          "--nodes sets how many nodes to run in this JVM; with --endpoints the cluster is"
              + " already running: leave --nodes out");
      try {
        Endpoint.parseList(endpoints);
      } catch (IllegalArgumentException e) {
        require(false, "--endpoints: " + e.getMessage());
      }
    }
    return new Workload.Settings(clients, payload, seconds, warmup);
  }

  private void require(boolean ok, String message) {
    if (!ok) {
      throw new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  private String resultLine(Workload.Settings s, Workload.Result r) {
    return String.format(
        Locale.ROOT,
        "RESULT system=paxos workload=W1 transport=%s clients=%d payload=%d sync=%s seconds=%d"
            + " ops_per_sec=%.0f p50_us=%d p99_us=%d p999_us=%d",
        transport,
        s.clients(),
        s.payload(),
        noSync ? "off" : "on",
        s.seconds(),
        r.opsPerSecond(),
        r.p50Micros(),
        r.p99Micros(),
        r.p999Micros());
  }
}
