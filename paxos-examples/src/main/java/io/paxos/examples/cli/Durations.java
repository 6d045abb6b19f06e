package io.paxos.examples.cli;

import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads {@code --timeout}: a number with a unit, {@code 500ms}, {@code 5s} or {@code 2m} (a bare
 * number is seconds), from 1 ms to 1 hour.
 */
public final class Durations implements ITypeConverter<Duration> {
  static final Duration MAX = Duration.ofHours(1);

  @Override
  public Duration convert(String text) {
    String s = text.strip().toLowerCase(Locale.ROOT);
    long unitMillis;
    String digits;
    if (s.endsWith("ms")) {
      unitMillis = 1;
      digits = s.substring(0, s.length() - 2);
    } else if (s.endsWith("s")) {
      unitMillis = 1_000;
      digits = s.substring(0, s.length() - 1);
    } else if (s.endsWith("m")) {
      unitMillis = 60_000;
      digits = s.substring(0, s.length() - 1);
    } else {
      unitMillis = 1_000;
      digits = s;
    }
    if (digits.isEmpty() || digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
      throw new TypeConversionException(
          "'" + text + "' is not a duration: write e.g. 500ms, 5s or 2m");
    }
    Duration d = Duration.ofMillis(Long.parseLong(digits) * unitMillis);
    if (d.isZero() || d.compareTo(MAX) > 0) {
      throw new TypeConversionException(
          "'" + text + "' is out of range: give a timeout from 1ms to 1h");
    }
    return d;
  }
}
