package io.paxos.examples.server;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations ({@code 50ms}, {@code 2s}, {@code 1m}; a bare number is milliseconds) and sizes ({@code
 * 512KiB}, {@code 1MiB}, {@code 2GiB}; a bare number is bytes) as written in cluster files,
 * environment variables and flags. Every parse names the field it reads in its error, so the
 * operator knows what to change.
 */
final class Units {
  private static final Pattern DURATION =
      Pattern.compile("(-?\\d{1,19})\\s*(ms|s|m|h|)", Pattern.CASE_INSENSITIVE);
  private static final Pattern SIZE =
      Pattern.compile("(-?\\d{1,19})\\s*(b|kib|mib|gib|)", Pattern.CASE_INSENSITIVE);

  private Units() {}

  /** Milliseconds in {@code text}; {@code what} names the field for the error. */
  static long millis(String text, String what) {
    Matcher m = DURATION.matcher(text.strip());
    if (!m.matches()) {
      throw new ConfigException(
          what + ": '" + text + "' is not a duration; write e.g. 50ms, 2s or 1m");
    }
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "s" -> 1_000L;
          case "m" -> 60_000L;
          case "h" -> 3_600_000L;
          default -> 1L;
        };
    return scaled(m.group(1), unit, text, what);
  }

  /** Bytes in {@code text}; {@code what} names the field for the error. */
  static long bytes(String text, String what) {
    Matcher m = SIZE.matcher(text.strip());
    if (!m.matches()) {
      throw new ConfigException(
          what + ": '" + text + "' is not a size; write a byte count or e.g. 512KiB, 1MiB, 2GiB");
    }
    long unit =
        switch (m.group(2).toLowerCase(Locale.ROOT)) {
          case "kib" -> 1L << 10;
          case "mib" -> 1L << 20;
          case "gib" -> 1L << 30;
          default -> 1L;
        };
    return scaled(m.group(1), unit, text, what);
  }

  /** A whole number in {@code text}. */
  static long number(String text, String what) {
    try {
      return Long.parseLong(text.strip());
    } catch (NumberFormatException e) {
      throw new ConfigException(what + ": '" + text + "' is not a whole number");
    }
  }

  private static long scaled(String digits, long unit, String text, String what) {
    long value;
    try {
      value = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new ConfigException(what + ": '" + text + "' is too large");
    }
    if (value < 0) {
      throw new ConfigException(what + ": '" + text + "' is negative; give 0 or more");
    }
    if (value > Long.MAX_VALUE / unit) {
      throw new ConfigException(what + ": '" + text + "' is too large");
    }
    return value * unit;
  }

  /** {@code ms} as the shortest exact form: {@code 2s} rather than {@code 2000ms}. */
  static String formatMillis(long ms) {
    if (ms != 0 && ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms != 0 && ms % 1_000 == 0) {
      return ms / 1_000 + "s";
    }
    return ms + "ms";
  }

  /** {@code bytes} as the shortest exact form: {@code 1MiB} rather than {@code 1048576}. */
  static String formatBytes(long bytes) {
    if (bytes != 0 && bytes % (1L << 30) == 0) {
      return (bytes >> 30) + "GiB";
    }
    if (bytes != 0 && bytes % (1L << 20) == 0) {
      return (bytes >> 20) + "MiB";
    }
    if (bytes != 0 && bytes % (1L << 10) == 0) {
      return (bytes >> 10) + "KiB";
    }
    return Long.toString(bytes);
  }
}
