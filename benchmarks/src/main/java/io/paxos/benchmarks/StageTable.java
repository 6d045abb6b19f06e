package io.paxos.benchmarks;

import io.paxos.core.observe.NodeObserver;
import io.paxos.core.observe.WriteStep;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The {@code --stages} table of {@link LoadGenerator}: an observer set on every node of the cluster
 * in this JVM, which keeps each {@link WriteStep} the nodes report ({@link NodeObserver#writeStep})
 * in a histogram, and prints one row per step (count, median, p99) under the client's own row
 * (client send to client receive, every write of the window). Every row is a difference of one
 * JVM's clock: here the nodes and the clients share it, but each step is timed on the one node that
 * saw both of its stages.
 *
 * <p>Thread-safe: the nodes' threads record, the load generator's thread resets and prints.
 */
final class StageTable implements NodeObserver {
  private final Map<WriteStep, Recorder> steps = new EnumMap<>(WriteStep.class);

  StageTable() {
    for (WriteStep s : WriteStep.values()) {
      steps.put(s, new Recorder(3));
    }
  }

  @Override
  public void writeStep(WriteStep step, long nanos) {
    steps.get(step).recordValue(nanos);
  }

  /** Forget what was recorded so far (the warm-up's steps). */
  void reset() {
    steps.values().forEach(Recorder::reset);
  }

  /**
   * Print the table: the client's row from {@code client} (its latencies in nanoseconds), then one
   * row per step, in path order, with what was recorded since the last {@link #reset()}.
   */
  void print(PrintWriter out, Histogram client, int sampleEvery) {
    out.printf(
        Locale.ROOT,
        "STAGES sample=1/%d (steps: node-local durations; p50/p99 in microseconds)%n",
        sampleEvery);
    out.printf(
        Locale.ROOT, "%-52s %-8s %9s %10s %10s%n", "step", "node", "count", "p50_us", "p99_us");
    row(out, "client send -> client receive", "client", client);
    for (WriteStep s : WriteStep.values()) {
      row(out, s.label(), s.node(), steps.get(s).getIntervalHistogram());
    }
    out.flush();
  }

  private static void row(PrintWriter out, String step, String node, Histogram h) {
    long count = h.getTotalCount();
    out.printf(
        Locale.ROOT,
        "%-52s %-8s %9d %10.1f %10.1f%n",
        step,
        node,
        count,
        count == 0 ? 0.0 : h.getValueAtPercentile(50) / 1000.0,
        count == 0 ? 0.0 : h.getValueAtPercentile(99) / 1000.0);
  }
}
