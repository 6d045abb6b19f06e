package io.paxos.core.linearizability;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Records a history from many client threads: each {@link #record} stamps the event with the clock
 * ({@link System#nanoTime()} unless another is given), keeps it in memory for {@link #events()},
 * and, for a file-backed writer, appends it as one JSON line and flushes.
 *
 * <p>Thread-safe. The time is read under the writer's lock, so the order of the lines is the order
 * of their times, and the times never decrease (a clock that goes back is held at its highest
 * reading). Callers must record an invocation <em>before</em> sending the request and its
 * completion <em>after</em> the response arrived (or the caller gave up, with {@code info}): the
 * recorded interval must contain the real one, or a correct system can look non-linearizable.
 */
public final class HistoryWriter implements Closeable {
  private final Object lock = new Object();
  private final LongSupplier clock;
  private final Optional<Writer> out;
  private final List<HistoryEvent> events = new ArrayList<>();
  private long last = Long.MIN_VALUE;
  private boolean closed;

  private HistoryWriter(LongSupplier clock, Optional<Writer> out) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.out = out;
  }

  /** A writer that keeps the history in memory only, timed by {@link System#nanoTime()}. */
  public static HistoryWriter inMemory() {
    return new HistoryWriter(System::nanoTime, Optional.empty());
  }

  /** A writer that keeps the history in memory only, timed by {@code clock} (e.g. simulated). */
  public static HistoryWriter inMemory(LongSupplier clock) {
    return new HistoryWriter(clock, Optional.empty());
  }

  /**
   * A writer that also writes the history to {@code file} (created or truncated, UTF-8), timed by
   * {@link System#nanoTime()}.
   */
  public static HistoryWriter toFile(Path file) throws IOException {
    return to(Files.newBufferedWriter(file, StandardCharsets.UTF_8), System::nanoTime);
  }

  /** A writer that also writes the history to {@code out}, which it closes on {@link #close()}. */
  public static HistoryWriter to(Writer out, LongSupplier clock) {
    return new HistoryWriter(clock, Optional.of(Objects.requireNonNull(out, "out")));
  }

  /**
   * Records {@code event} (its own time is ignored) at the clock's current reading.
   *
   * @return the event as recorded, with its time
   * @throws UncheckedIOException if the file cannot be written
   * @throws IllegalStateException after {@link #close()}
   */
  public HistoryEvent record(HistoryEvent event) {
    Objects.requireNonNull(event, "event");
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the history writer is closed");
      }
      last = Math.max(last, clock.getAsLong());
      HistoryEvent stamped = event.at(last);
      events.add(stamped);
      if (out.isPresent()) {
        try {
          out.get().write(HistoryJson.write(stamped));
          out.get().write('\n');
          out.get().flush();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot write the history", e);
        }
      }
      return stamped;
    }
  }

  /** A copy of the events recorded so far, in the order recorded. */
  public List<HistoryEvent> events() {
    synchronized (lock) {
      return List.copyOf(events);
    }
  }

  /** Closes the output, if any; later {@link #record} calls throw. */
  @Override
  public void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      if (out.isPresent()) {
        out.get().close();
      }
    }
  }
}
