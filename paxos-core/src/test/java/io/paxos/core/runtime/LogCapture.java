package io.paxos.core.runtime;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Captures what the test's SLF4J binding (slf4j-simple, which writes to the current {@code
 * System.err}) prints while it is open, and passes it on to the real stream.
 */
final class LogCapture implements AutoCloseable {
  private final PrintStream original = System.err;
  private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

  LogCapture() {
    PrintStream tee =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public synchronized void write(int b) {
                captured.write(b);
                original.write(b);
              }

              @Override
              public synchronized void write(byte[] b, int off, int len) {
                captured.write(b, off, len);
                original.write(b, off, len);
              }
            },
            true,
            StandardCharsets.UTF_8);
    System.setErr(tee);
  }

  /** The lines printed so far that contain {@code text}. */
  List<String> lines(String text) {
    String all = captured.toString(StandardCharsets.UTF_8); // synchronized with its writes
    return all.lines().filter(l -> l.contains(text)).toList();
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
