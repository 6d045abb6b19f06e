package io.paxos.examples.oplog;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Reads an oplog file line by line, refusing what the writer never writes: a line longer than
 * {@value #MAX_LINE_BYTES} bytes, a byte that is not printable ASCII, a slot that is not a decimal
 * number from 1 to 2^63-1, a line without ops, a slot not above the one before. A last line without
 * its newline (the node was killed while writing it) is not returned; {@link #tornBytes()} says how
 * long it was.
 *
 * <p>Not thread-safe.
 */
final class OpLogReader implements AutoCloseable {
  /** The longest line read: a slot number, a space and the longest ops text, with room to spare. */
  static final int MAX_LINE_BYTES = 2 * OpText.MAX_OPS_CHARS;

  /** One line: its slot and the text after the space. */
  record Line(long slot, String ops) {
    boolean snapshot() {
      return ops.equals(OpLog.SNAPSHOT);
    }

    @Override
    public String toString() {
      return slot + " " + ops;
    }
  }

  private final Path file;
  private final InputStream in;
  private final byte[] buffer = new byte[MAX_LINE_BYTES];
  private long lineNumber;
  private long lastSlot;
  private long completeBytes;
  private int tornBytes;

  OpLogReader(Path file) throws IOException {
    this.file = file;
    this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
  }

  /** The next line, or empty at the end of the file. */
  Optional<Line> next() throws IOException {
    int n = 0;
    while (true) {
      int b = in.read();
      if (b == -1) {
        tornBytes = n;
        return Optional.empty();
      }
      if (b == '\n') {
        break;
      }
      if (n == MAX_LINE_BYTES) {
        throw malformed(lineNumber + 1, "is longer than " + MAX_LINE_BYTES + " bytes");
      }
      if (b < 0x20 || b > 0x7e) {
        throw malformed(lineNumber + 1, String.format("holds the byte 0x%02X", b));
      }
      buffer[n++] = (byte) b;
    }
    lineNumber++;
    completeBytes += n + 1;
    String text = new String(buffer, 0, n, StandardCharsets.US_ASCII);
    int space = text.indexOf(' ');
    if (space <= 0 || space == text.length() - 1) {
      throw malformed(lineNumber, "is not '<slot> <ops>'");
    }
    long slot = slot(text.substring(0, space));
    if (slot <= lastSlot) {
      throw malformed(
          lineNumber, "has slot " + slot + ", not above the slot " + lastSlot + " before it");
    }
    lastSlot = slot;
    return Optional.of(new Line(slot, text.substring(space + 1)));
  }

  private long slot(String digits) throws MalformedOpLogException {
    if (digits.length() > 19 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw malformed(lineNumber, "has '" + shorten(digits) + "' where a slot number belongs");
    }
    long slot;
    try {
      slot = Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw malformed(lineNumber, "has slot " + digits + ", above 2^63-1");
    }
    if (slot < 1 || (digits.length() > 1 && digits.charAt(0) == '0')) {
      throw malformed(lineNumber, "has slot " + digits + ": slots are written 1, 2, ...");
    }
    return slot;
  }

  /** The bytes of the lines returned so far, newlines included. */
  long completeBytes() {
    return completeBytes;
  }

  /** The length of an unterminated last line, once {@link #next} returned empty; else 0. */
  int tornBytes() {
    return tornBytes;
  }

  /** The slot of the last line returned; 0 if none. */
  long lastSlot() {
    return lastSlot;
  }

  private MalformedOpLogException malformed(long line, String problem) {
    return new MalformedOpLogException(file + " line " + line + " " + problem);
  }

  private static String shorten(String s) {
    return s.length() > 24 ? s.substring(0, 24) + "..." : s;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** A file that is not an oplog. */
  static final class MalformedOpLogException extends IOException {
    private static final long serialVersionUID = 1L;

    MalformedOpLogException(String message) {
      super(message);
    }
  }
}
