package io.paxos.examples.cli;

import io.paxos.core.Consistency;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --consistency}: {@code linearizable}, {@code lease}, {@code sequential} or {@code
 * stale}.
 */
final class ConsistencyOption implements ITypeConverter<Consistency> {
  @Override
  public Consistency convert(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "linearizable" -> Consistency.LINEARIZABLE;
      case "sequential" -> Consistency.SEQUENTIAL;
      case "stale" -> Consistency.STALE;
      case "lease" -> Consistency.LEASE;
      default ->
          throw new TypeConversionException(
              "'" + text + "' is not a consistency: use linearizable, lease, sequential or stale");
    };
  }
}
