package io.paxos.examples.rowa;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads one {@code \n}-ended line of at most a given length from a stream, holding only what it has
 * read (unlike a buffer of the maximum size per connection).
 */
final class Lines {
  private Lines() {}

  /** Thrown for a line longer than the limit; the rest of it is left unread. */
  static final class TooLongException extends IOException {
    TooLongException(int max) {
      super("line longer than " + max + " bytes");
    }
  }

  /**
   * The next line with its {@code \n}, or null at the end of the stream (a last line without its
   * {@code \n} is returned as it is).
   *
   * @throws TooLongException if the line passes {@code max} bytes
   */
  static byte[] read(InputStream in, int max) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(128);
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toByteArray();
      }
      if (line.size() == max) {
        throw new TooLongException(max);
      }
      line.write(b);
      if (b == '\n') {
        return line.toByteArray();
      }
    }
  }
}
