package io.paxos.core.host.golden;

import java.util.ArrayList;
import java.util.List;

/**
 * A golden interaction file: comment lines ({@code #}) and blank lines, and blocks of one command
 * line, a {@code ----} line and the command's expected output, which ends at the next blank line or
 * the end of the file. {@link #run} runs the commands in order and returns the file as it should
 * be: the same comments and commands with the outputs they printed ({@code ok} if none).
 */
final class GoldenScript {
  static final String SEPARATOR = "----";

  /** A line kept as it is (a comment or a blank line), or a command with its expected output. */
  private sealed interface Part permits Verbatim, Block {}

  private record Verbatim(String line) implements Part {}

  private record Block(int lineNumber, String command, List<String> expected) implements Part {}

  /** Where a block's output differs from what the file expects. */
  record Mismatch(String where, String command, List<String> expected, List<String> actual) {
    @Override
    public String toString() {
      return where
          + ": output of '"
          + command
          + "' differs\n--- expected\n"
          + String.join("\n", expected)
          + "\n--- actual\n"
          + String.join("\n", actual);
    }
  }

  /** The outcome of a run: the file as it should be, and the first block that differs, if any. */
  record Result(String text, Mismatch firstMismatch) {}

  private final String name;
  private final List<Part> parts;

  private GoldenScript(String name, List<Part> parts) {
    this.name = name;
    this.parts = parts;
  }

  /**
   * @param name the file's name, for messages ({@code name:line: ...})
   * @throws ScriptException naming the line of a command not followed by {@code ----}
   */
  static GoldenScript parse(String name, String text) {
    List<String> lines = text.lines().toList();
    List<Part> parts = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String line = lines.get(i);
      if (line.isBlank() || line.startsWith("#")) {
        parts.add(new Verbatim(line));
        i++;
        continue;
      }
      int lineNumber = i + 1;
      if (line.equals(SEPARATOR)) {
        throw new ScriptException(
            name + ":" + lineNumber + ": " + SEPARATOR + " without a command");
      }
      if (i + 1 >= lines.size() || !lines.get(i + 1).equals(SEPARATOR)) {
        throw new ScriptException(
            name
                + ":"
                + lineNumber
                + ": expected "
                + SEPARATOR
                + " after the command '"
                + line
                + "'");
      }
      i += 2;
      List<String> expected = new ArrayList<>();
      while (i < lines.size() && !lines.get(i).isBlank()) {
        expected.add(lines.get(i++));
      }
      parts.add(new Block(lineNumber, line, expected));
    }
    return new GoldenScript(name, List.copyOf(parts));
  }

  /**
   * Run every command on a fresh cluster.
   *
   * @param writersReportEarly run with broken storage threads (see {@link ScriptedWriter})
   * @throws ScriptException naming {@code file:line} of an unknown command or a bad argument
   */
  Result run(boolean writersReportEarly) {
    ScriptInterpreter interpreter = new ScriptInterpreter(writersReportEarly);
    StringBuilder text = new StringBuilder();
    Mismatch first = null;
    for (Part part : parts) {
      if (part instanceof Verbatim v) {
        text.append(v.line()).append('\n');
        continue;
      }
      Block b = (Block) part;
      String where = name + ":" + b.lineNumber();
      List<String> actual;
      try {
        actual = interpreter.execute(b.command());
      } catch (ScriptException e) {
        throw new ScriptException(where + ": " + e.getMessage());
      } catch (RuntimeException e) {
        throw new IllegalStateException(where + ": '" + b.command() + "' failed: " + e, e);
      }
      if (actual.isEmpty()) {
        actual = List.of("ok");
      }
      if (first == null && !actual.equals(b.expected())) {
        first = new Mismatch(where, b.command(), b.expected(), actual);
      }
      text.append(b.command()).append('\n').append(SEPARATOR).append('\n');
      for (String line : actual) {
        text.append(line).append('\n');
      }
    }
    return new Result(text.toString(), first);
  }
}
