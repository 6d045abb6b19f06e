package io.paxos.examples.broadcast;

import io.paxos.core.StateMachine;
import java.io.BufferedWriter;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A learner's state: the integers broadcast so far, in the order they were chosen, each also
 * written as one line to a file as it is applied ({@code learn<n>}). The file is rewritten from the
 * start when the state machine is created (a restarted learner replays its log) or restored from a
 * snapshot. Commands are 8-byte big-endian integers ({@link #command}); a query answers how many
 * values were learned, as 8 bytes.
 *
 * <p>Called by the node's apply thread only, as {@link StateMachine} says.
 */
final class LearnedLog implements StateMachine {
  private final Path file;
  private BufferedWriter out;
  private long[] values = new long[1024];
  private int size;

  LearnedLog(Path file) {
    this.file = file;
    this.out = open(file);
  }

  /** The command that broadcasts {@code value}. */
  static byte[] command(long value) {
    return ByteBuffer.allocate(Long.BYTES).putLong(value).array();
  }

  @Override
  public byte[] apply(byte[] command) {
    if (command.length != Long.BYTES) {
      return new byte[0]; // not a broadcast value: every replica ignores it alike
    }
    long value = ByteBuffer.wrap(command).getLong();
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = value;
    try {
      out.write(Long.toString(value));
      out.write('\n');
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e); // stops the node: it cannot log
    }
    return new byte[0];
  }

  @Override
  public byte[] query(byte[] query) {
    return ByteBuffer.allocate(Long.BYTES).putLong(size).array();
  }

  @Override
  public Snapshot snapshot() {
    long[] copy = Arrays.copyOf(values, size);
    return stream -> {
      DataOutputStream data = new DataOutputStream(stream);
      data.writeInt(copy.length);
      for (long v : copy) {
        data.writeLong(v);
      }
      data.flush();
    };
  }

  @Override
  public void restore(InputStream in) throws IOException {
    DataInputStream data = new DataInputStream(in);
    int n = data.readInt();
    if (n < 0) {
      throw new IOException("a snapshot of " + n + " values");
    }
    long[] restored = new long[Math.max(1024, n)];
    for (int i = 0; i < n; i++) {
      restored[i] = data.readLong();
    }
    out.close();
    out = open(file);
    values = restored;
    size = n;
    for (int i = 0; i < n; i++) {
      out.write(Long.toString(values[i]));
      out.write('\n');
    }
    out.flush();
  }

  private static BufferedWriter open(Path file) {
    try {
      return Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
