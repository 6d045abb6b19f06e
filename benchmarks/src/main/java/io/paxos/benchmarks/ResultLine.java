package io.paxos.benchmarks;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * One {@code RESULT} line of a W1 run, ours ({@link LoadGenerator}) or a peer's ({@code
 * benchmarks/peers/X/run.sh}): {@code RESULT key=value key=value ...}. Every harness prints the
 * same keys: {@code system}, {@code ops_per_sec}, {@code p50_us}, {@code p99_us} and, where it has
 * it, {@code p999_us}.
 */
record ResultLine(Map<String, String> fields) {
  static final String PREFIX = "RESULT ";

  /** Parses {@code line}; throws {@link IllegalArgumentException} if it is not a RESULT line. */
  static ResultLine parse(String line) {
    String text = line.strip();
    if (!text.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a RESULT line: " + line);
    }
    Map<String, String> fields = new LinkedHashMap<>();
    for (String token : text.substring(PREFIX.length()).trim().split("\\s+")) {
      int eq = token.indexOf('=');
      if (eq <= 0 || eq == token.length() - 1) {
        throw new IllegalArgumentException("not key=value: " + token + " in " + line);
      }
      fields.put(token.substring(0, eq), token.substring(eq + 1));
    }
    ResultLine r = new ResultLine(Map.copyOf(fields));
    r.system();
    r.opsPerSecond();
    r.p50Micros();
    r.p99Micros();
    return r;
  }

  String system() {
    return required("system");
  }

  /** {@code system}, with the transport when the line names one: {@code paxos grpc}. */
  String label() {
    String transport = fields.get("transport");
    return transport == null ? system() : system() + " " + transport;
  }

  boolean isOurs() {
    return system().equals("paxos");
  }

  double opsPerSecond() {
    return number("ops_per_sec");
  }

  double p50Micros() {
    return number("p50_us");
  }

  double p99Micros() {
    return number("p99_us");
  }

  /** Absent in lines of a load generator from before it printed p99.9. */
  OptionalDouble p999Micros() {
    return fields.containsKey("p999_us")
        ? OptionalDouble.of(number("p999_us"))
        : OptionalDouble.empty();
  }

  private String required(String key) {
    String value = fields.get(key);
    if (value == null) {
      throw new IllegalArgumentException("RESULT line without " + key + ": " + fields);
    }
    return value;
  }

  private double number(String key) {
    String value = required(key);
    try {
      double v = Double.parseDouble(value);
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(key + " must be a number >= 0, was " + value);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a number >= 0, was " + value);
    }
  }
}
