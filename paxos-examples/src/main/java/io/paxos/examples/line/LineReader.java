package io.paxos.examples.line;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads {@code \n}-ended lines from a stream, each bounded: never holds more than {@code max + 1}
 * bytes, whatever the peer sends. Not thread-safe.
 */
public final class LineReader {
  private final InputStream in;
  private final int max;
  private final byte[] buffer;

  /**
   * @param in where the lines come from (buffer it: bytes are read one at a time)
   * @param max the longest line, its {@code \n} included
   */
  public LineReader(InputStream in, int max) {
    this.in = Objects.requireNonNull(in, "in");
    if (max < 1) {
      throw new IllegalArgumentException("max must be at least 1, was " + max);
    }
    this.max = max;
    this.buffer = new byte[max + 1];
  }

  /**
   * The next line with its {@code \n} (the last one may lack it), or null at the end of the stream;
   * a line longer than {@code max} is cut to {@code max + 1} bytes (see {@link #tooLong}), and the
   * rest of it is left unread.
   */
  public byte[] next() throws IOException {
    int n = 0;
    while (n <= max) {
      int b = in.read();
      if (b < 0) {
        return n == 0 ? null : Arrays.copyOf(buffer, n);
      }
      buffer[n++] = (byte) b;
      if (b == '\n') {
        return Arrays.copyOf(buffer, n);
      }
    }
    return Arrays.copyOf(buffer, n);
  }

  /** Whether {@code line}, from {@link #next}, was cut because it is longer than the limit. */
  public boolean tooLong(byte[] line) {
    return line.length > max;
  }
}
