package io.paxos.core.linearizability;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a history written as JSON lines (see {@link HistoryJson}): one event per line, blank lines
 * skipped. The file is untrusted: a line longer than {@link #MAX_LINE_CHARS} or a malformed one is
 * rejected with its line number, and malformed UTF-8 is an error. Stateless; thread-safe.
 */
public final class HistoryReader {
  /** The longest line accepted, in characters. */
  public static final int MAX_LINE_CHARS = 1 << 20;

  private HistoryReader() {}

  /**
   * The events of {@code file}, in file order.
   *
   * @throws IllegalArgumentException naming the line, if a line is not an event
   */
  public static List<HistoryEvent> read(Path file) throws IOException {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in);
    }
  }

  /** The events read from {@code in}, which the caller closes. */
  public static List<HistoryEvent> read(Reader in) throws IOException {
    List<HistoryEvent> events = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    long number = 1;
    while (true) {
      int c = in.read();
      if (c == -1 || c == '\n') {
        parse(line, number, events);
        if (c == -1) {
          return events;
        }
        line.setLength(0);
        number++;
      } else {
        if (line.length() == MAX_LINE_CHARS) {
          throw new IllegalArgumentException(
              "line " + number + ": longer than " + MAX_LINE_CHARS + " characters");
        }
        line.append((char) c);
      }
    }
  }

  private static void parse(StringBuilder line, long number, List<HistoryEvent> events) {
    String text = line.toString().strip();
    if (text.isEmpty()) {
      return;
    }
    try {
      events.add(HistoryJson.read(text));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("line " + number + ": " + e.getMessage(), e);
    }
  }
}
