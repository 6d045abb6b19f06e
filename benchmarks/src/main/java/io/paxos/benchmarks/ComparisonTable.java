package io.paxos.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The table {@code benchmarks/compare.sh} prints: one row per run, in the order they ran, and for
 * each peer its ratios to the mean of our runs just before and just after it.
 *
 * <p>Reads a directory of runs, {@code NN-name.out} (standard output, whose last {@code RESULT}
 * line counts) and {@code NN-name.err} (standard error, whose {@code cpu:} line gives the CPU per
 * write), taken in name order. A run without a RESULT line shows as failed.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.paxos.benchmarks.ComparisonTable DIR
 * </pre>
 */
public final class ComparisonTable {
  private static final Pattern CPU = Pattern.compile("^cpu: ([0-9.]+) us of this JVM's CPU");

  /** One run: its name, its RESULT line (null if it printed none) and its CPU per write. */
  record Run(String name, ResultLine result, OptionalDouble cpuMicros) {}

  private ComparisonTable() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: ComparisonTable DIR (the NN-name.out/.err files of the runs)");
      System.exit(2);
    }
    System.out.print(render(read(Path.of(args[0]))));
  }

  /** The runs in {@code dir}, in name order. */
  static List<Run> read(Path dir) {
    List<Run> runs = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path out : files.filter(p -> p.toString().endsWith(".out")).sorted().toList()) {
        String base = out.getFileName().toString().replaceFirst("\\.out$", "");
        Path err = out.resolveSibling(base + ".err");
        runs.add(
            new Run(
                base,
                lastResult(Files.readAllLines(out)),
                Files.exists(err) ? cpu(Files.readAllLines(err)) : OptionalDouble.empty()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return runs;
  }

  private static ResultLine lastResult(List<String> lines) {
    ResultLine last = null;
    for (String line : lines) {
      if (line.startsWith(ResultLine.PREFIX)) {
        last = ResultLine.parse(line);
      }
    }
    return last;
  }

  private static OptionalDouble cpu(List<String> lines) {
    OptionalDouble last = OptionalDouble.empty();
    for (String line : lines) {
      Matcher m = CPU.matcher(line);
      if (m.find()) {
        last = OptionalDouble.of(Double.parseDouble(m.group(1)));
      }
    }
    return last;
  }

  private static final List<String> COLUMNS =
      List.of(
          "run",
          "system",
          "ops/s",
          "p50",
          "p99",
          "p99.9",
          "CPU per write",
          "ours ÷ it, ops/s",
          "it ÷ ours, p50",
          "it ÷ ours, p99",
          "it ÷ ours, p99.9");

  /** The markdown table of {@code runs}. */
  static String render(List<Run> runs) {
    StringBuilder t = new StringBuilder();
    row(t, COLUMNS);
    row(t, COLUMNS.stream().map(c -> "---").toList());
    for (int i = 0; i < runs.size(); i++) {
      row(t, cells(runs, i));
    }
    return t.toString();
  }

  private static void row(StringBuilder t, List<String> cells) {
    t.append("| ").append(String.join(" | ", cells)).append(" |\n");
  }

  private static List<String> cells(List<Run> runs, int i) {
    Run run = runs.get(i);
    ResultLine r = run.result();
    List<String> cells = new ArrayList<>(List.of(run.name()));
    if (r == null) {
      cells.add("failed: no RESULT line");
    } else {
      cells.add(r.label());
      cells.add(String.format(Locale.ROOT, "%,.0f", r.opsPerSecond()));
      cells.add(millis(r.p50Micros()));
      cells.add(millis(r.p99Micros()));
      cells.add(r.p999Micros().isPresent() ? millis(r.p999Micros().getAsDouble()) : "");
      cells.add(
          run.cpuMicros().isPresent()
              ? String.format(Locale.ROOT, "%.1f µs", run.cpuMicros().getAsDouble())
              : "");
      List<ResultLine> ours = r.isOurs() ? List.of() : adjacentOurs(runs, i);
      if (!ours.isEmpty()) {
        OptionalDouble ours999 = meanIfEvery(ours, ResultLine::p999Micros);
        cells.add(ratio(mean(ours, ResultLine::opsPerSecond), r.opsPerSecond()));
        cells.add(ratio(r.p50Micros(), mean(ours, ResultLine::p50Micros)));
        cells.add(ratio(r.p99Micros(), mean(ours, ResultLine::p99Micros)));
        cells.add(
            r.p999Micros().isPresent() && ours999.isPresent()
                ? ratio(r.p999Micros().getAsDouble(), ours999.getAsDouble())
                : "");
      }
    }
    while (cells.size() < COLUMNS.size()) {
      cells.add("");
    }
    return cells;
  }

  /** Our runs just before and just after run {@code i} (one, both or none). */
  static List<ResultLine> adjacentOurs(List<Run> runs, int i) {
    List<ResultLine> ours = new ArrayList<>();
    for (int j = i - 1; j >= 0; j--) {
      if (runs.get(j).result() != null && runs.get(j).result().isOurs()) {
        ours.add(runs.get(j).result());
        break;
      }
    }
    for (int j = i + 1; j < runs.size(); j++) {
      if (runs.get(j).result() != null && runs.get(j).result().isOurs()) {
        ours.add(runs.get(j).result());
        break;
      }
    }
    return ours;
  }

  private static double mean(List<ResultLine> lines, ToDoubleFunction<ResultLine> f) {
    return lines.stream().mapToDouble(f).average().orElseThrow();
  }

  /** The mean, or empty if a line lacks the value. */
  private static OptionalDouble meanIfEvery(
      List<ResultLine> lines, Function<ResultLine, OptionalDouble> f) {
    double sum = 0;
    for (ResultLine line : lines) {
      OptionalDouble v = f.apply(line);
      if (v.isEmpty()) {
        return OptionalDouble.empty();
      }
      sum += v.getAsDouble();
    }
    return OptionalDouble.of(sum / lines.size());
  }

  private static String ratio(double numerator, double denominator) {
    return denominator == 0 ? "" : String.format(Locale.ROOT, "%.2fx", numerator / denominator);
  }

  private static String millis(double micros) {
    return String.format(Locale.ROOT, "%.2f ms", micros / 1000);
  }
}
