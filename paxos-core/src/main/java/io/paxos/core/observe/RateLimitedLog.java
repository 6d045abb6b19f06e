package io.paxos.core.observe;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * A log that an attacker cannot make write more than one line per kind of event per interval. The
 * first event of a kind in an interval is written at once ({@code "<kind>: <message>"}); the others
 * are counted, and the next event after the interval writes {@code "N similar events in the last 10
 * s: <kind>: <message>"}. Messages are cut to {@link #MAX_MESSAGE_CHARS}, and at most {@link
 * #MAX_KINDS} kinds are tracked (more share one slot), so memory is bounded too. Never a stack
 * trace.
 *
 * <p>Meant for expected network failures: cancelled calls, resets, malformed requests, refused
 * handshakes, messages refused for being out of bounds. Thread-safe.
 */
public final class RateLimitedLog {
  /** The interval of {@link #warnings}: 10 seconds. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);

  /** The longest message written, in characters; longer ones are cut. */
  public static final int MAX_MESSAGE_CHARS = 300;

  /** The most kinds tracked apart; events of further kinds share the kind {@code other}. */
  public static final int MAX_KINDS = 256;

  private final Consumer<String> sink;
  private final long intervalNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Window> windows = new HashMap<>();
  private final AtomicLong lines = new AtomicLong();
  private final AtomicLong events = new AtomicLong();

  private static final class Window {
    long startNanos;
    long suppressed;
    String last;
  }

  /**
   * A log that writes to {@code sink}.
   *
   * @param sink takes each line written; called on the thread that records the event, outside any
   *     lock
   * @param interval the least time between two lines of one kind; positive
   * @param nanoClock the time in nanoseconds ({@code System::nanoTime}, or a fake one in tests)
   */
  public RateLimitedLog(Consumer<String> sink, Duration interval, LongSupplier nanoClock) {
    this.sink = sink;
    this.intervalNanos = interval.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * {@return warnings to {@code log}, at most one line per kind every 10 seconds}
   *
   * @param log where the lines go, at WARN
   */
  public static RateLimitedLog warnings(Logger log) {
    return new RateLimitedLog(log::warn, DEFAULT_INTERVAL, System::nanoTime);
  }

  /**
   * Record one event of {@code kind}; writes a line if none of this kind was written lately.
   *
   * @param kind what happened, a constant such as {@code "malformed request"}: the rate limit is
   *     per kind
   * @param message the details; cut to {@link #MAX_MESSAGE_CHARS}, line breaks replaced
   */
  public void event(String kind, String message) {
    events.incrementAndGet();
    String line;
    long now = nanoClock.getAsLong();
    synchronized (windows) {
      Window w = windows.get(kind);
      if (w == null) {
        if (windows.size() >= MAX_KINDS) {
          kind = "other";
          w = windows.get(kind);
        }
        if (w == null) {
          w = new Window();
          w.startNanos = now - intervalNanos;
          windows.put(kind, w);
        }
      }
      if (now - w.startNanos < intervalNanos) {
        w.suppressed++;
        w.last = message;
        return;
      }
      line =
          w.suppressed == 0
              ? kind + ": " + cut(message)
              : (w.suppressed + 1)
                  + " similar events in the last "
                  + seconds(now - w.startNanos)
                  + " s: "
                  + kind
                  + ": "
                  + cut(message);
      w.startNanos = now;
      w.suppressed = 0;
      w.last = null;
    }
    lines.incrementAndGet();
    sink.accept(line);
  }

  /** {@return the lines written so far} */
  public long lines() {
    return lines.get();
  }

  /** {@return the events recorded so far, written or not} */
  public long events() {
    return events.get();
  }

  private static long seconds(long nanos) {
    return Math.max(1, Duration.ofNanos(nanos).toSeconds());
  }

  /**
   * {@return {@code message} on one line (line breaks replaced by spaces) and cut to {@link
   * #MAX_MESSAGE_CHARS}; "" for null}
   *
   * @param message a message, possibly from a peer; may be null
   */
  public static String cut(String message) {
    if (message == null) {
      return "";
    }
    String oneLine = message.replace('\n', ' ').replace('\r', ' ');
    return oneLine.length() <= MAX_MESSAGE_CHARS
        ? oneLine
        : oneLine.substring(0, MAX_MESSAGE_CHARS) + "...";
  }
}
