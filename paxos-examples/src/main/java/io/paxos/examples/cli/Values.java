package io.paxos.examples.cli;

import io.paxos.grpc.PaxosServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a value to write comes from: the argument itself, a file ({@code --value-file}), or
 * standard input (the argument {@code -}). At most {@link #MAX_VALUE_BYTES} are read, so a huge
 * file or an endless pipe is refused instead of filling the heap; the cluster may refuse smaller
 * values (its {@code maxCommandBytes}, 1 MiB by default).
 */
final class Values {
  /** The most bytes of a value {@code kv} reads: the largest message a node accepts by default. */
  static final int MAX_VALUE_BYTES = PaxosServer.DEFAULT_MAX_INBOUND_MESSAGE_BYTES;

  private Values() {}

  /**
   * The value: {@code argument} as UTF-8, or the bytes of stdin if it is {@code -}, or those of
   * {@code file}; exactly one of {@code argument} and {@code file} must be given.
   */
  static byte[] read(String argument, Path file, InputStream stdin) {
    if (argument != null && file != null) {
      throw new UsageException("give the value as an argument or with --value-file, not both");
    }
    if (argument == null && file == null) {
      throw new UsageException(
          "missing the value: give it as an argument, '-' to read standard input, or"
              + " --value-file FILE");
    }
    if (file != null) {
      try (InputStream in = Files.newInputStream(file)) {
        return bounded(in, "file " + file);
      } catch (NoSuchFileException e) {
        throw new UsageException("--value-file " + file + " does not exist");
      } catch (IOException e) {
        throw new UsageException("cannot read --value-file " + file + ": " + e.getMessage());
      }
    }
    if (argument.equals("-")) {
      try {
        return bounded(stdin, "standard input");
      } catch (IOException e) {
        throw new UsageException("cannot read the value from standard input: " + e.getMessage());
      }
    }
    return argument.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bounded(InputStream in, String what) throws IOException {
    byte[] bytes = in.readNBytes(MAX_VALUE_BYTES + 1);
    if (bytes.length > MAX_VALUE_BYTES) {
      throw new UsageException(
          "the value in " + what + " is over the limit of " + MAX_VALUE_BYTES + " bytes");
    }
    return bytes;
  }
}
