package io.paxos.examples.server;

/**
 * A setting's value as written, and where it came from.
 *
 * @param text the value as written
 * @param source which layer gave it
 * @param origin the flag, environment variable or file field that gave it ({@code --window}, {@code
 *     PAXOS_WINDOW}, {@code protocol.window}), or {@code default}
 */
public record Sourced(String text, Source source, String origin) {
  /**
   * The value's origin for an error: {@code --window}, {@code PAXOS_WINDOW}, {@code FILE:
   * protocol.window}.
   */
  String where(String file) {
    return switch (source) {
      case DEFAULT -> origin + " (default)";
      case FILE -> file + ": " + origin;
      case ENV, FLAG -> origin;
    };
  }

  /**
   * {@code file protocol.window}, {@code env PAXOS_WINDOW}, {@code flag --window}, {@code default}.
   */
  String provenance() {
    return source == Source.DEFAULT ? "default" : source + " " + origin;
  }
}
