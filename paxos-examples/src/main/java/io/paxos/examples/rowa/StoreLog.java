package io.paxos.examples.rowa;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A store's durable log: one ASCII line per record, appended and fsynced before the store answers
 * ({@code PREPARE <txn>}, {@code COMMIT <slot>}, {@code ABORT <slot>}). On open the log is read
 * through; a last line without its newline (the process died while writing it, so it was never
 * acknowledged) is cut off.
 *
 * <p>Not thread-safe: the store calls it under its own lock.
 */
final class StoreLog implements AutoCloseable {
  static final String FILE_NAME = "store.log";

  private final Path file;
  private final FileChannel channel;
  private final List<String> recovered;

  private StoreLog(Path file, FileChannel channel, List<String> recovered) {
    this.file = file;
    this.channel = channel;
    this.recovered = recovered;
  }

  /** Open (or create) the log in {@code dir}, reading the records it holds. */
  static StoreLog open(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(FILE_NAME);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      byte[] bytes = Files.readAllBytes(file);
      int end = bytes.length;
      while (end > 0 && bytes[end - 1] != '\n') {
        end--; // a torn last record
      }
      List<String> lines = new ArrayList<>();
      int start = 0;
      for (int i = 0; i < end; i++) {
        if (bytes[i] == '\n') {
          lines.add(new String(bytes, start, i - start, StandardCharsets.US_ASCII));
          start = i + 1;
        }
      }
      if (end < bytes.length) {
        channel.truncate(end);
        channel.force(true);
      }
      channel.position(end);
      return new StoreLog(file, channel, lines);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /** The records found on open, in order. */
  List<String> recovered() {
    return recovered;
  }

  /** Append {@code record} and fsync it. */
  void append(String record) throws IOException {
    ByteBuffer b = ByteBuffer.wrap((record + "\n").getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) {
      channel.write(b);
    }
    channel.force(false);
  }

  Path file() {
    return file;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
